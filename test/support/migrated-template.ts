import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openDatabase } from '../../src/storage/open-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database on the real PostgreSQL migrated once per run, that every test database is cloned from. */
    migratedTemplate: string | undefined;
  }
}

/**
 * Creates and migrates the template once for the whole run: cloning it costs about half of creating a
 * database and running every migration on it, a few hundred times per suite. The migrations still run (here),
 * so a broken one still fails the run. Returns the name and how to drop it at the end.
 */
export async function createMigratedTemplate(adminUrl: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `awoooi_template_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused', poolSize: 1 });
  try {
    const result = await migrateToLatest(handle.db);
    if (!result.ok) throw new Error(`migrating the test template: ${result.error}`);
  } finally {
    // Nobody may stay connected: CREATE DATABASE … TEMPLATE refuses a template that has sessions.
    await handle.close();
  }
  return { name, drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
