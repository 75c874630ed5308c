import { appendFileSync, mkdirSync } from 'node:fs';
import { it } from 'vitest';
import { skippedRedisLog } from '../global-setup.ts';
import { redisReachable } from './redis-availability.ts';

const available = await redisReachable();

/**
 * A test that needs the real Redis. Where Redis is absent (a laptop), it is not run and its name is written
 * down so that the suite lists it at the end; CI refuses to start without Redis, so there it always runs.
 */
export function redisTest(name: string, body: () => Promise<void>, timeout?: number): void {
  if (!available) {
    mkdirSync(skippedRedisLog, { recursive: true });
    appendFileSync(`${skippedRedisLog}/${process.pid}`, `${name}\n`);
  }
  it.skipIf(!available)(name, body, timeout);
}
