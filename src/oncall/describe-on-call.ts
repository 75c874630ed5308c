import type { ScheduleConfig } from './oncall-settings.ts';
import { currentAndNext } from './shifts-between.ts';

/**
 * Who is on call at `at` and who is next, per schedule, in words and in each schedule's own time zone: what
 * `awoooi oncall` prints and `/awoooi oncall` answers.
 */
export function describeOnCall(schedules: readonly ScheduleConfig[], people: readonly { id: string; name: string }[], at: Date): string {
  if (schedules.length === 0) return 'No on-call schedules configured (oncall.schedules in the file named by AWOOOI_CONFIG).';
  const nameOf = (id: string) => people.find((person) => person.id === id)?.name ?? id;
  return schedules
    .map((schedule) => {
      const { now, next } = currentAndNext(schedule, at);
      const local = (time: Date) =>
        time.toLocaleString('en-GB', {
          timeZone: schedule.timeZone,
          weekday: 'short',
          day: '2-digit',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          timeZoneName: 'short',
        });
      const onCall =
        now === null ? 'nobody (no layer has started)' : `${nameOf(now.personId)} until ${local(now.to)}${now.source === 'override' ? ' (override)' : ''}`;
      const after = next === null ? 'nobody' : `${nameOf(next.personId)} from ${local(next.from)}`;
      return `${schedule.name} [${schedule.id}, ${schedule.timeZone}]\n  on call: ${onCall}\n  next:    ${after}`;
    })
    .join('\n');
}
