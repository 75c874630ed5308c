import { describe, expect, it } from 'vitest';
import { onCallAt } from '../../../src/oncall/on-call-at.ts';
import { oncallSettings, type ScheduleConfig } from '../../../src/oncall/oncall-settings.ts';
import { currentAndNext, shiftsBetween } from '../../../src/oncall/shifts-between.ts';

const schedule = (raw: unknown): ScheduleConfig => oncallSettings.parse({ schedules: [raw] }).schedules[0]!;
const at = (iso: string) => new Date(iso);
const who = (config: ScheduleConfig, iso: string) => onCallAt(config, at(iso))?.personId ?? null;

// Europe/Berlin moves to summer time on 2026-03-29 (02:00 → 03:00) and back on 2026-10-25 (03:00 → 02:00).
const weekly = schedule({
  id: 'platform',
  name: 'Platform primary',
  timeZone: 'Europe/Berlin',
  layers: [{ start: '2026-03-23', handoff: '09:00', length: { weeks: 1 }, people: ['alice', 'bob', 'carol'] }],
});

describe('on-call schedules', () => {
  it('hands a weekly rotation over at 09:00 local time on both sides of a daylight-saving change', () => {
    // 09:00 CET is 08:00Z; a week later 09:00 CEST is 07:00Z: the shift was an hour shorter, not shifted.
    expect(onCallAt(weekly, at('2026-03-23T08:00:00Z'))).toMatchObject({ personId: 'alice', to: at('2026-03-30T07:00:00Z') });
    expect(who(weekly, '2026-03-30T06:59:59Z')).toBe('alice');
    expect(who(weekly, '2026-03-30T07:00:00Z')).toBe('bob');
    expect(who(weekly, '2026-04-06T07:00:00Z')).toBe('carol');
    expect(who(weekly, '2026-04-13T07:00:00Z')).toBe('alice');
    // Back to winter time: the 2026-10-26 hand-off is at 08:00Z again (31 weeks after the start).
    expect(who(weekly, '2026-10-26T07:30:00Z')).toBe(who(weekly, '2026-10-19T08:00:00Z'));
    expect(onCallAt(weekly, at('2026-10-26T08:00:00Z'))).toMatchObject({ from: at('2026-10-26T08:00:00Z') });
    expect(who(weekly, '2026-03-23T07:59:59Z')).toBeNull();
  });

  it('keeps hour-long shifts exact durations, DST or not, and daily ones in calendar days', () => {
    const twelveHours = schedule({
      id: 'night',
      name: 'Follow the sun',
      timeZone: 'America/New_York',
      layers: [{ start: '2026-03-07', handoff: '20:00', length: { hours: 12 }, people: ['ny', 'sg'] }],
    });
    // US summer time starts 2026-03-08: 12 h after 20:00 EST (01:00Z) is 13:00Z, i.e. 09:00 EDT.
    expect(onCallAt(twelveHours, at('2026-03-08T12:59:00Z'))).toMatchObject({ personId: 'ny', to: at('2026-03-08T13:00:00Z') });
    expect(who(twelveHours, '2026-03-08T13:00:00Z')).toBe('sg');
    const daily = schedule({ id: 'd', name: 'Daily', timeZone: 'UTC', layers: [{ start: '2026-01-01', length: { days: 2 }, people: ['a', 'b', 'c'] }] });
    expect(['2026-01-01T09:00:00Z', '2026-01-03T09:00:00Z', '2026-01-05T09:00:00Z', '2026-01-07T08:59:59Z'].map((time) => who(daily, time))).toEqual([
      'a',
      'b',
      'c',
      'c',
    ]);
  });

  it('lets an override take a shift and cuts the rotation shift where it begins', () => {
    const swapped = schedule({
      ...weekly,
      overrides: [{ person: 'dave', from: '2026-04-01T12:00:00+02:00', to: '2026-04-02T12:00:00+02:00' }],
    });
    expect(onCallAt(swapped, at('2026-04-01T08:00:00Z'))).toMatchObject({ personId: 'bob', to: at('2026-04-01T10:00:00Z'), source: 'rotation' });
    expect(onCallAt(swapped, at('2026-04-01T11:00:00Z'))).toMatchObject({ personId: 'dave', source: 'override' });
    expect(shiftsBetween(swapped, at('2026-03-30T07:00:00Z'), at('2026-04-06T07:00:00Z')).map(({ personId, from, to }) => [personId, from, to])).toEqual([
      ['bob', at('2026-03-30T07:00:00Z'), at('2026-04-01T10:00:00Z')],
      ['dave', at('2026-04-01T10:00:00Z'), at('2026-04-02T10:00:00Z')],
      ['bob', at('2026-04-02T10:00:00Z'), at('2026-04-06T07:00:00Z')],
    ]);
  });

  it('gives a later layer precedence while it runs, and says who is on now and who is next', () => {
    const layered = schedule({
      id: 'p',
      name: 'Primary',
      timeZone: 'Europe/Berlin',
      layers: [
        { start: '2026-03-23', length: { weeks: 1 }, people: ['alice', 'bob'] },
        { name: 'holiday cover', start: '2026-04-01', end: '2026-04-03', length: { days: 1 }, people: ['erin'] },
      ],
    });
    expect(who(layered, '2026-04-01T06:59:00Z')).toBe('bob');
    expect(who(layered, '2026-04-02T12:00:00Z')).toBe('erin');
    expect(who(layered, '2026-04-03T07:00:00Z')).toBe('bob');
    const { now, next } = currentAndNext(layered, at('2026-04-02T12:00:00Z'));
    expect(now).toMatchObject({ personId: 'erin', layer: 'holiday cover', to: at('2026-04-03T07:00:00Z') });
    expect(next).toMatchObject({ personId: 'bob', from: at('2026-04-03T07:00:00Z') });
  });

  it('refuses schedules it could not follow, naming what is wrong', () => {
    const wrong = oncallSettings.safeParse({
      schedules: [{ id: 'x', name: 'X', timeZone: 'Mars/Olympus', layers: [{ start: '2026-13-01', handoff: '25:00', length: { months: 1 }, people: [] }] }],
    });
    expect(wrong.success).toBe(false);
    const paths = wrong.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['schedules.0.timeZone', 'schedules.0.layers.0.start', 'schedules.0.layers.0.handoff', 'schedules.0.layers.0.people']),
    );
  });
});
