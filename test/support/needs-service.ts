import { appendFileSync, mkdirSync } from 'node:fs';
import { it } from 'vitest';
import { skippedServiceLog } from '../global-setup.ts';
import { redisReachable } from './redis-availability.ts';
import { postgresReachable } from './test-database.ts';

const reachable = { redis: await redisReachable(), postgres: await postgresReachable() };
export const realPostgres = reachable.postgres;

/** Where a service is absent (a laptop), the test's name is written down; the suite lists them at the end. */
export function noteSkipped(service: 'redis' | 'postgres', name: string): void {
  if (reachable[service]) return;
  mkdirSync(skippedServiceLog, { recursive: true });
  appendFileSync(`${skippedServiceLog}/${process.pid}`, `${service === 'redis' ? 'Redis' : 'PostgreSQL'}: ${name}\n`);
}

/**
 * A test that needs a real server: Redis, or a real PostgreSQL because it runs connections side by side
 * (embedded PGlite is one session and serialises them). Not run where the server is absent, and named at the
 * end of the suite; CI refuses to start without both, so there every one runs.
 */
export function needsService(service: 'redis' | 'postgres', name: string, body: () => Promise<void>, timeout?: number): void {
  noteSkipped(service, name);
  it.skipIf(!reachable[service])(name, body, timeout);
}
