import type { Config } from '../config/config-schema.ts';
import { currentAndNext } from '../oncall/shifts-between.ts';

/**
 * `awoooi oncall [--at TIME] [--json]`: who is on call now (or at TIME) and who is next, per schedule, in each
 * schedule's own time zone. Exit 2 for a TIME it cannot read.
 */
export function oncallCommand(config: Config, options: { at?: string; json?: boolean }, out: NodeJS.WritableStream, errors: NodeJS.WritableStream): number {
  const at = options.at === undefined ? new Date() : new Date(options.at);
  if (Number.isNaN(at.getTime())) {
    errors.write(`awoooi oncall: --at takes an ISO 8601 time, e.g. 2026-12-24T18:00:00+01:00 (got "${options.at}")\n`);
    return 2;
  }
  const schedules = config.oncall.schedules;
  const nameOf = (id: string) => config.approvals.people.find((person) => person.id === id)?.name ?? id;
  const answers = schedules.map((schedule) => {
    const { now, next } = currentAndNext(schedule, at);
    return { schedule: schedule.id, name: schedule.name, timeZone: schedule.timeZone, now, next };
  });
  if (options.json) {
    out.write(`${JSON.stringify({ at: at.toISOString(), schedules: answers }, null, 2)}\n`);
    return 0;
  }
  if (schedules.length === 0) {
    out.write('no on-call schedules configured (oncall.schedules in the file named by AWOOOI_CONFIG)\n');
    return 0;
  }
  for (const answer of answers) {
    const local = (time: Date) =>
      time.toLocaleString('en-GB', {
        timeZone: answer.timeZone,
        weekday: 'short',
        day: '2-digit',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      });
    const now =
      answer.now === null
        ? 'nobody (no layer has started)'
        : `${nameOf(answer.now.personId)} until ${local(answer.now.to)}${answer.now.source === 'override' ? ' (override)' : ''}`;
    const next = answer.next === null ? 'nobody' : `${nameOf(answer.next.personId)} from ${local(answer.next.from)}`;
    out.write(`${answer.name} [${answer.schedule}, ${answer.timeZone}]\n  on call: ${now}\n  next:    ${next}\n`);
  }
  return 0;
}
