import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/storage/open-database.ts';

export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<boolean> | undefined;

/** Whether the real PostgreSQL of this machine answers (CI always has it; laptops may not). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Connection string other processes (a second bot, a child process) can use. */
  url: string;
  kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

/**
 * A throwaway, migrated database: a fresh database on the real PostgreSQL here, or an in-memory PGlite where
 * no PostgreSQL answers (so every database test still runs on a laptop without one).
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (!(await postgresReachable())) {
    const handle = await openDatabase({ dataDir: 'memory://', poolSize: options.poolSize ?? 4 });
    await expectMigrated(handle);
    return { handle, url: handle.connectionString, kind: 'pglite', drop: () => handle.close() };
  }
  const name = `awoooi_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Cloned from the template global-setup.ts migrated once for the run (see migrated-template.ts).
  const template = inject('migratedTemplate');
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused', poolSize: options.poolSize ?? 10 });
  if (!template) await expectMigrated(handle);
  return {
    handle,
    url: url.toString(),
    kind: 'postgres',
    drop: async () => {
      await handle.close();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function expectMigrated(handle: DatabaseHandle): Promise<void> {
  const result = await migrateToLatest(handle.db);
  if (!result.ok) throw new Error(result.error);
}
