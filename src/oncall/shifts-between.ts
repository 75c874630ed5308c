import type { ScheduleConfig } from './oncall-settings.ts';
import { layerStart, onCallAt, type Shift } from './on-call-at.ts';

/** Enough for a year of hourly shifts: a guard against a schedule that would never move on. */
const maxShifts = 10_000;

/**
 * The schedule's timeline from `from` to `to`: who is on call, one shift after another, overrides in place,
 * consecutive shifts of one person joined. Gaps (before any layer starts) are left out.
 */
export function shiftsBetween(schedule: ScheduleConfig, from: Date, to: Date): Shift[] {
  const shifts: Shift[] = [];
  let at = from;
  while (at < to && shifts.length < maxShifts) {
    const shift = onCallAt(schedule, at);
    if (shift === null) {
      const starts = schedule.layers.map((layer) => layerStart(layer, schedule.timeZone).getTime()).filter((time) => time > at.getTime());
      if (starts.length === 0) break;
      at = new Date(Math.min(...starts));
      continue;
    }
    const previous = shifts.at(-1);
    const piece = { ...shift, from: new Date(Math.max(at.getTime(), shift.from.getTime())), to: new Date(Math.min(to.getTime(), shift.to.getTime())) };
    if (previous?.personId === piece.personId && previous.to.getTime() === piece.from.getTime()) previous.to = piece.to;
    else shifts.push(piece);
    at = shift.to;
  }
  return shifts;
}

/** Who is on call at `at` and who comes next (the first shift after the current one of another person). */
export function currentAndNext(schedule: ScheduleConfig, at: Date): { now: Shift | null; next: Shift | null } {
  const current = onCallAt(schedule, at);
  const horizon = new Date(at.getTime() + 366 * 24 * 3_600_000);
  const ahead = shiftsBetween(schedule, at, horizon);
  const next = ahead.find((shift) => shift.from > at && shift.personId !== current?.personId) ?? null;
  // The same person may go on past this shift (an override, then their own turn): until the next one takes over.
  const now = current === null ? null : { ...current, to: next?.from ?? ahead[0]?.to ?? current.to };
  return { now, next };
}
