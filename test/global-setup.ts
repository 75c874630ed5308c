import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createMigratedTemplate } from './support/migrated-template.ts';
import { adminUrl, postgresReachable } from './support/test-database.ts';
import { redisReachable } from './support/redis-availability.ts';

const skippedServiceLog = join(import.meta.dirname, '..', 'node_modules', '.awoooi-skipped-tests');

/**
 * Says up front which real services the suite uses. On CI both must be there: nothing may be skipped.
 * Elsewhere, database tests fall back to PGlite; tests that need Redis or a real PostgreSQL are listed at
 * the end as not run.
 */
export default async function setup(project: TestProject) {
  const [postgres, redis] = await Promise.all([postgresReachable(), redisReachable()]);
  if (process.env.CI && (!postgres || !redis)) {
    throw new Error(`CI needs PostgreSQL and Redis; reachable: postgres=${postgres} redis=${redis}`);
  }
  await rm(skippedServiceLog, { recursive: true, force: true });
  process.stdout.write(
    `\n[awoooi tests] PostgreSQL: ${postgres ? 'real server' : 'NOT reachable, database tests run on PGlite'}; Redis: ${redis ? 'real server' : 'NOT reachable'}\n`,
  );
  const template = postgres ? await createMigratedTemplate(adminUrl) : undefined;
  project.provide('migratedTemplate', template?.name);
  return async () => {
    await template?.drop();
    const files = await readdir(skippedServiceLog).catch(() => []);
    const names = (await Promise.all(files.map((file) => readFile(join(skippedServiceLog, file), 'utf8')))).flatMap((text) => text.split('\n').filter(Boolean));
    if (names.length > 0) {
      process.stdout.write(
        `\n[awoooi tests] these ${names.length} tests need a server that was not reachable and did NOT run:\n${names.map((name) => `  - ${name}\n`).join('')}`,
      );
    }
  };
}

export { skippedServiceLog };
