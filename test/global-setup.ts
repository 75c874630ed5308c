import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { postgresReachable } from './support/test-database.ts';
import { redisReachable } from './support/redis-availability.ts';

const skippedRedisLog = join(import.meta.dirname, '..', 'node_modules', '.awoooi-skipped-redis');

/**
 * Says up front which real services the suite uses. On CI both must be there: nothing may be skipped.
 * Elsewhere, database tests fall back to PGlite and Redis tests are listed at the end as not run.
 */
export default async function setup() {
  const [postgres, redis] = await Promise.all([postgresReachable(), redisReachable()]);
  if (process.env.CI && (!postgres || !redis)) {
    throw new Error(`CI needs PostgreSQL and Redis; reachable: postgres=${postgres} redis=${redis}`);
  }
  await rm(skippedRedisLog, { recursive: true, force: true });
  process.stdout.write(`\n[awoooi tests] PostgreSQL: ${postgres ? 'real server' : 'NOT reachable, database tests run on PGlite'}; Redis: ${redis ? 'real server' : 'NOT reachable'}\n`);
  return async () => {
    const files = await readdir(skippedRedisLog).catch(() => []);
    const names = (await Promise.all(files.map((file) => readFile(join(skippedRedisLog, file), 'utf8')))).flatMap((text) => text.split('\n').filter(Boolean));
    if (names.length > 0) {
      process.stdout.write(`\n[awoooi tests] Redis was not reachable; these ${names.length} Redis tests did NOT run:\n${names.map((name) => `  - ${name}\n`).join('')}`);
    }
  };
}

export { skippedRedisLog };
