import type { Config } from '../config/config-schema.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { openDatabase } from '../storage/open-database.ts';

/** `awoooi migrate`: apply pending migrations and say which. */
export async function migrateCommand(config: Config): Promise<number> {
  const database = await openDatabase({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir, purpose: 'migrate' });
  try {
    const result = await migrateToLatest(database.db);
    if (!result.ok) {
      process.stderr.write(`awoooi migrate: ${result.error}\n`);
      return 1;
    }
    process.stdout.write(result.applied.length ? `applied: ${result.applied.join(', ')}\n` : `${database.description}: up to date\n`);
    return 0;
  } finally {
    await database.close();
  }
}
