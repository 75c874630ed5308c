import { DateTime } from 'luxon';
import type { LayerConfig, ScheduleConfig } from './oncall-settings.ts';

/** Who holds a schedule over one stretch of time, and why (a layer's rotation, or an override). */
export interface Shift {
  personId: string;
  from: Date;
  to: Date;
  source: 'override' | 'rotation';
  /** The layer's name (or its position) for a rotation shift. */
  layer?: string;
}

/**
 * Who is on call at `at`: the last override covering it, else the shift of the last layer that has started by
 * then. A rotation shift is cut where an override begins, so `to` is when the person actually hands over.
 * Null when no layer has started yet. Days and weeks are calendar lengths in the schedule's time zone, so a hand-off
 * at 09:00 stays at 09:00 local across daylight-saving changes; hours are exact durations.
 */
export function onCallAt(schedule: ScheduleConfig, at: Date): Shift | null {
  const override = schedule.overrides.findLast((entry) => entry.from <= at && at < entry.to);
  if (override) return { personId: override.person, from: override.from, to: override.to, source: 'override' };
  for (let index = schedule.layers.length - 1; index >= 0; index--) {
    const layer = schedule.layers[index]!;
    const shift = layerShift(layer, schedule.timeZone, at);
    if (shift === null) continue;
    const cut = schedule.overrides.filter((entry) => entry.from > at && entry.from < shift.to).map((entry) => entry.from.getTime());
    const to = cut.length > 0 ? new Date(Math.min(...cut)) : shift.to;
    return { ...shift, to, source: 'rotation', layer: layer.name ?? `layer ${index + 1}` };
  }
  return null;
}

/** The layer's own shift at `at` (ignoring overrides and other layers), or null before it starts. */
function layerShift(layer: LayerConfig, zone: string, at: Date): { personId: string; from: Date; to: Date } | null {
  const start = DateTime.fromJSDate(layerStart(layer, zone), { zone });
  const moment = DateTime.fromJSDate(at, { zone });
  if (moment < start) return null;
  const end = layer.end === undefined ? null : DateTime.fromISO(`${layer.end}T${layer.handoff}`, { zone });
  if (end !== null && moment >= end) return null;
  const step = (count: number) => {
    const { length } = layer;
    if ('hours' in length) return start.plus({ hours: length.hours * count });
    return start.plus({ days: ('weeks' in length ? length.weeks * 7 : length.days) * count });
  };
  const approximate = Math.floor(moment.diff(start, 'hours').hours / hoursOf(layer));
  // Calendar steps vary by an hour around DST: start from the estimate, then settle.
  let index = Math.max(0, approximate - 1);
  while (step(index + 1) <= moment) index++;
  while (index > 0 && step(index) > moment) index--;
  const to = end !== null && step(index + 1) > end ? end : step(index + 1);
  return { personId: layer.people[index % layer.people.length]!, from: step(index).toJSDate(), to: to.toJSDate() };
}

function hoursOf(layer: LayerConfig): number {
  const { length } = layer;
  return 'hours' in length ? length.hours : ('weeks' in length ? length.weeks * 7 : length.days) * 24;
}

/** When a layer's first shift begins: its start date at its hand-off time, in the schedule's time zone. */
export function layerStart(layer: LayerConfig, zone: string): Date {
  return DateTime.fromISO(`${layer.start}T${layer.handoff}`, { zone }).toJSDate();
}
