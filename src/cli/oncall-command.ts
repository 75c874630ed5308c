import type { Config } from '../config/config-schema.ts';
import { describeOnCall } from '../oncall/describe-on-call.ts';
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
  const answers = schedules.map((schedule) => {
    const { now, next } = currentAndNext(schedule, at);
    return { schedule: schedule.id, name: schedule.name, timeZone: schedule.timeZone, now, next };
  });
  if (options.json) {
    out.write(`${JSON.stringify({ at: at.toISOString(), schedules: answers }, null, 2)}\n`);
    return 0;
  }
  out.write(`${describeOnCall(schedules, config.approvals.people, at)}\n`);
  return 0;
}
