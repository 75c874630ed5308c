import ical from 'ical-generator';
import type { Person } from '../domain/person.ts';
import type { ScheduleConfig } from './oncall-settings.ts';
import { shiftsBetween } from './shifts-between.ts';

const day = 24 * 3_600_000;

/**
 * A schedule as an iCalendar feed, so people see their shifts in their calendar: one event per shift (overrides
 * in place) from a week back to `daysAhead` ahead, in UTC, each with a stable UID (schedule and start), so a
 * calendar that refreshes the feed updates events instead of duplicating them.
 */
export function calendarFeed(schedule: ScheduleConfig, people: readonly Person[], now: Date, daysAhead = 90): string {
  const nameOf = (id: string) => people.find((person) => person.id === id)?.name ?? id;
  const calendar = ical({ name: `On call: ${schedule.name}`, prodId: { company: 'awoooi', product: 'oncall', language: 'EN' }, ttl: 3600 });
  for (const shift of shiftsBetween(schedule, new Date(now.getTime() - 7 * day), new Date(now.getTime() + daysAhead * day))) {
    calendar.createEvent({
      id: `${schedule.id}-${shift.from.toISOString()}@awoooi`,
      start: shift.from,
      end: shift.to,
      summary: `On call: ${nameOf(shift.personId)} (${schedule.name})`,
      description: shift.source === 'override' ? 'override' : `rotation${shift.layer ? `: ${shift.layer}` : ''}`,
      stamp: now,
    });
  }
  return calendar.toString();
}
