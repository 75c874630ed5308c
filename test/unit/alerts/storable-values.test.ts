import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.ts';
import { repairForStorage } from '../../../src/alerts/storable-alert.ts';
import { storableText } from '../../../src/alerts/storable-text.ts';
import { earliestStorableTime, latestStorableTime, storableTime } from '../../../src/alerts/storable-time.ts';

describe('storableText', () => {
  it('replaces NUL and unpaired surrogates with U+FFFD and keeps everything else, pairs and emoji included', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('\ud800')).toBe('\ufffd');
    expect(storableText('x\udc00y')).toBe('x\ufffdy');
    expect(storableText('ok 🚒 ünïcödé \t\n')).toBe('ok 🚒 ünïcödé \t\n');
  });
});

describe('storableTime', () => {
  it('clamps what JavaScript reads but PostgreSQL refuses to the nearest storable instant', () => {
    expect(storableTime(new Date('0000-01-01T00:00:00Z'))).toEqual({ date: earliestStorableTime, clamped: true });
    expect(storableTime(new Date('+010000-01-01T00:00:00Z'))).toEqual({ date: latestStorableTime, clamped: true });
    expect(storableTime(new Date('-271821-04-20T00:00:00Z'))).toEqual({ date: earliestStorableTime, clamped: true });
    const ordinary = new Date('2026-03-01T03:00:00Z');
    expect(storableTime(ordinary)).toEqual({ date: ordinary, clamped: false });
    expect(storableTime(earliestStorableTime).clamped).toBe(false);
    expect(storableTime(latestStorableTime).clamped).toBe(false);
  });
});

describe('repairForStorage', () => {
  const base: Alert = {
    fingerprint: 'f1',
    name: 'A',
    status: 'firing',
    severity: 'warning',
    labels: {},
    annotations: {},
    startsAt: new Date('2026-03-01T03:00:00Z'),
    endsAt: null,
    source: 'generic',
    groupKey: null,
    generatorUrl: null,
  };

  it('leaves storable alerts exactly as they were and reports nothing', () => {
    expect(repairForStorage([base])).toEqual({ alerts: [base], repairs: [] });
  });

  it('names at most 20 fields of one alert, and keeps hostile label names short', () => {
    const labels = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`l${index}`, 'x\u0000']));
    const [repair] = repairForStorage([{ ...base, labels }]).repairs;
    expect(repair?.fields).toHaveLength(21);
    expect(repair?.fields.at(-1)).toBe('…and 10 more');
    const [long] = repairForStorage([{ ...base, labels: { ['k'.repeat(500)]: '\u0000' } }]).repairs;
    expect(long?.fields[0]?.length).toBe(64);
  });
});
