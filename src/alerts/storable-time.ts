/**
 * The instants AWOOOI can store. PostgreSQL's timestamptz spans 4713 BC to 294276 AD, but it reads neither
 * year 0000 (there is no year 0 in its calendar) nor the six-digit `+010000-…` years of
 * `Date.prototype.toISOString()`; JavaScript accepts both. Years 0001 to 9999 are what both sides agree on.
 */
export const earliestStorableTime = new Date('0001-01-01T00:00:00.000Z');
export const latestStorableTime = new Date('9999-12-31T23:59:59.999Z');

/** `date` if storable, else the nearest storable instant (and `clamped`). */
export function storableTime(date: Date): { date: Date; clamped: boolean } {
  if (date < earliestStorableTime) return { date: earliestStorableTime, clamped: true };
  if (date > latestStorableTime) return { date: latestStorableTime, clamped: true };
  return { date, clamped: false };
}
