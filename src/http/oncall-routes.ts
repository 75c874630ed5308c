import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Person } from '../domain/person.ts';
import type { Logger } from '../ports/logger.ts';
import { calendarFeed } from '../oncall/calendar-feed.ts';
import type { ScheduleConfig } from '../oncall/oncall-settings.ts';

/**
 * `GET /api/v1/oncall/:schedule/calendar.ics?token=…`: a schedule as an iCalendar feed. Calendar apps cannot send
 * headers, so the token is in the query (compared in constant time; request lines are never logged). Without a
 * configured token the feeds are off: 404, as for a schedule that does not exist.
 */
export function registerOncallRoutes(
  app: FastifyInstance,
  options: { schedules: readonly ScheduleConfig[]; people: readonly Person[]; calendarToken?: string; now?: () => Date; log: Logger },
): void {
  app.get<{ Params: { schedule: string }; Querystring: { token?: unknown } }>('/api/v1/oncall/:schedule/calendar.ics', async (request, reply) => {
    const schedule = options.schedules.find((candidate) => candidate.id === request.params.schedule);
    if (options.calendarToken === undefined || schedule === undefined) return reply.code(404).send({ error: 'not_found' });
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    if (!sameSecret(token, options.calendarToken)) {
      options.log.info({ schedule: schedule.id, status: 401 }, 'request refused: calendar feed token');
      return reply.code(401).send({ error: 'unauthorized' });
    }
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .send(calendarFeed(schedule, options.people, options.now?.() ?? new Date()));
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
