import ical, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { oncallCommand } from '../../../src/cli/oncall-command.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { registerOncallRoutes } from '../../../src/http/oncall-routes.ts';
import { calendarFeed } from '../../../src/oncall/calendar-feed.ts';
import { shiftsBetween } from '../../../src/oncall/shifts-between.ts';
import { captureLog } from '../../support/capture-log.ts';
import { collectOutput } from '../../support/collect-output.ts';

const people = [
  { id: 'alice', name: 'Alice Archer', roles: ['sre' as const] },
  { id: 'bob', name: 'Bob Baker', roles: ['sre' as const] },
  { id: 'dave', name: 'Dave Diaz', roles: ['devops' as const] },
];
const token = 'calendar-token-0123456789';
const config = configSchema.parse({
  approvals: { people },
  oncall: {
    calendarToken: token,
    schedules: [
      {
        id: 'platform',
        name: 'Platform primary',
        timeZone: 'Europe/Berlin',
        layers: [{ start: '2026-11-30', handoff: '09:00', length: { weeks: 1 }, people: ['alice', 'bob'] }],
        overrides: [{ person: 'dave', from: '2026-12-24T09:00:00+01:00', to: '2026-12-26T09:00:00+01:00' }],
      },
    ],
  },
});
const schedule = config.oncall.schedules[0]!;
const now = new Date('2026-12-02T10:00:00Z');
const personList = config.approvals.people.map(({ id, name, roles, accounts }) => ({ id, name, roles, accounts }));

describe('on-call surfaces: the calendar feed, its route and `awoooi oncall`', () => {
  it('serves every shift as an event a real iCalendar parser reads back: names, times and stable ids', () => {
    const parsed = Object.values(ical.sync.parseICS(calendarFeed(schedule, personList, now))).filter((entry): entry is VEvent => entry?.type === 'VEVENT');
    const shifts = shiftsBetween(schedule, new Date(now.getTime() - 7 * 86_400_000), new Date(now.getTime() + 90 * 86_400_000));
    expect(parsed.map((event) => [String(event.summary), event.start.toISOString(), event.end?.toISOString()])).toEqual(
      shifts.map((shift) => [
        `On call: ${people.find((person) => person.id === shift.personId)!.name} (Platform primary)`,
        shift.from.toISOString(),
        shift.to.toISOString(),
      ]),
    );
    expect(parsed.find((event) => String(event.summary).startsWith('On call: Dave'))).toMatchObject({
      start: new Date('2026-12-24T08:00:00Z'),
      end: new Date('2026-12-26T08:00:00Z'),
      description: 'override',
    });
    expect(new Set(parsed.map((event) => event.uid)).size).toBe(parsed.length);
  });

  it('serves the feed only with its token: 401 otherwise (logged without the token), 404 for unknown schedules or no token set', async () => {
    const { log, lines } = captureLog();
    const app = createHttpServer({ bodyLimitBytes: 1024, logger: log });
    registerOncallRoutes(app, { schedules: config.oncall.schedules, people: personList, calendarToken: token, now: () => now, log });
    const off = createHttpServer({ bodyLimitBytes: 1024, logger: log });
    registerOncallRoutes(off, { schedules: config.oncall.schedules, people: personList, log });
    const get = (server: typeof app, url: string) => server.inject({ method: 'GET', url });
    const good = await get(app, `/api/v1/oncall/platform/calendar.ics?token=${token}`);
    expect(good.statusCode).toBe(200);
    expect(good.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(good.body).toContain('BEGIN:VCALENDAR');
    expect((await get(app, '/api/v1/oncall/platform/calendar.ics?token=calendar-token-0123456780')).statusCode).toBe(401);
    expect((await get(app, '/api/v1/oncall/platform/calendar.ics')).statusCode).toBe(401);
    expect((await get(app, `/api/v1/oncall/nope/calendar.ics?token=${token}`)).statusCode).toBe(404);
    expect((await get(off, `/api/v1/oncall/platform/calendar.ics?token=${token}`)).statusCode).toBe(404);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request refused: calendar feed token', status: 401 }));
    expect(JSON.stringify(lines)).not.toContain(token);
    await app.close();
    await off.close();
  });

  it('says who is on call and who is next in the schedule’s time zone, as text or JSON, and refuses an unreadable time', () => {
    const text = collectOutput();
    expect(oncallCommand(config, { at: '2026-12-24T12:00:00+01:00' }, text.stream, text.stream)).toBe(0);
    expect(text.text()).toBe(
      // The week of 21 December is Bob's: he takes over again when Dave's override ends.
      'Platform primary [platform, Europe/Berlin]\n  on call: Dave Diaz until Sat 26 Dec, 09:00 CET (override)\n  next:    Bob Baker from Sat 26 Dec, 09:00 CET\n',
    );
    const json = collectOutput();
    expect(oncallCommand(config, { at: '2026-12-02T10:00:00Z', json: true }, json.stream, json.stream)).toBe(0);
    expect(JSON.parse(json.text()).schedules[0]).toMatchObject({ now: { personId: 'alice' }, next: { personId: 'bob', from: '2026-12-07T08:00:00.000Z' } });
    const errors = collectOutput();
    expect(oncallCommand(config, { at: 'yesterday-ish' }, errors.stream, errors.stream)).toBe(2);
    expect(errors.text()).toContain('--at takes an ISO 8601 time');
  });

  it('refuses a schedule naming someone the bot does not know', () => {
    const wrong = configSchema.safeParse({
      approvals: { people },
      oncall: {
        schedules: [{ id: 'x', name: 'X', timeZone: 'UTC', layers: [{ start: '2026-11-30', length: { days: 1 }, people: ['alice', 'mallory'] }] }],
      },
    });
    expect(wrong.error?.issues).toContainEqual(
      expect.objectContaining({ path: ['oncall', 'schedules', 0, 'layers', 0, 'people', 1], message: 'mallory is not in approvals.people' }),
    );
  });
});
