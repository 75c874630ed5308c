import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.ts';
import { DataDirectoryLockedError } from '../storage/data-directory-lock.ts';
import { type DatabaseHandle, openDatabase } from '../storage/open-database.ts';

export type OpenBotDatabaseResult = { ok: true; database: DatabaseHandle } | { ok: false; errors: string[] };

/**
 * The server's database. On embedded defaults another process holding the data directory is an expected
 * refusal (said as an error, nothing touched); losing the lock later is fatal (`onFatal`), since running on
 * could corrupt the data (docs/adr/0007-embedded-data-directory-lock.md).
 */
export async function openBotDatabase(config: Config, log: Logger, onFatal?: (reason: string) => void): Promise<OpenBotDatabaseResult> {
  try {
    const database = await openDatabase({
      databaseUrl: config.storage.databaseUrl,
      dataDir: config.storage.dataDir,
      log,
      purpose: 'serve',
      onLockLost: (error) => {
        log.fatal({ err: error }, 'data directory lock lost: another process may open the embedded database; shutting down');
        onFatal?.('data directory lock lost');
      },
    });
    return { ok: true, database };
  } catch (error) {
    if (error instanceof DataDirectoryLockedError) return { ok: false, errors: [error.message] };
    throw error;
  }
}
