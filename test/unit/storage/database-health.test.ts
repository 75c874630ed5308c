import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../../src/ports/logger.ts';
import { DatabaseHealth, settleMilliseconds } from '../../../src/storage/database-health.ts';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown> | string, message?: string) =>
    lines.push(typeof fields === 'string' ? { level, fields: {}, message: fields } : { level, fields, message: message ?? '' });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return { log, lines };
}

const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

describe('DatabaseHealth', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T03:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('logs one line when the database is lost and one when it is back, however many queries fail', () => {
    const { log, lines } = recordingLogger();
    const health = new DatabaseHealth(log);
    for (let query = 0; query < 50; query++) health.failed(terminated, 'query');
    expect(health.available).toBe(false);
    vi.advanceTimersByTime(settleMilliseconds + 2000);
    for (let query = 0; query < 50; query++) health.succeeded();
    expect(health.available).toBe(true);
    expect(lines.map((line) => line.message)).toEqual([expect.stringMatching(/^database lost/), 'database back']);
    expect(lines[0]!.fields).toEqual({ reason: '57P01', where: 'query' });
    expect(lines[1]!.fields).toMatchObject({ failures: 50, downSeconds: 3 });
  });

  it('is not back while queries on connections the server has not killed yet still succeed between failures', () => {
    const { log, lines } = recordingLogger();
    const health = new DatabaseHealth(log);
    for (let step = 0; step < 10; step++) {
      health.failed(terminated, 'connection');
      vi.advanceTimersByTime(50);
      health.succeeded();
    }
    expect(health.available).toBe(false);
    expect(lines).toHaveLength(1);
  });

  it('ignores errors that are not outages (a bad query is a bug, not a lost database)', () => {
    const { log, lines } = recordingLogger();
    const health = new DatabaseHealth(log);
    health.failed(Object.assign(new Error('syntax error'), { code: '42601' }), 'query');
    expect(health.available).toBe(true);
    expect(lines).toEqual([]);
  });
});
