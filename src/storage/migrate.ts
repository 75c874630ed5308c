import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// Migrations know no app schema, so they take any database.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const migrationsDirectory = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Frozen SQL files in migrations/, applied in name order by kysely's Migrator (which locks and records them). */
class SqlFileMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of (await readdir(migrationsDirectory)).filter((name) => name.endsWith('.sql')).sort()) {
      const text = await readFile(migrationsDirectory + file, 'utf8');
      migrations[file.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

export type MigrateResult = { ok: true; applied: string[] } | { ok: false; error: string };

/** Applies every pending migration. */
// biome-ignore lint/suspicious/noExplicitAny: migrations know no app schema (see above)
export async function migrateToLatest(db: Kysely<any>): Promise<MigrateResult> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider() });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error');
    return { ok: false, error: `${failed?.migrationName ?? 'migration'}: ${(error as Error).message}` };
  }
  return { ok: true, applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
