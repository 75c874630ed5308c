import { describe, expect, it } from 'vitest';
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
