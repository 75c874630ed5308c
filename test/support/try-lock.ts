/**
 * Child process of the data-directory lock test: after `delayMilliseconds`, tries to lock `directory` and
 * prints `taken` or `refused`.
 *
 * usage: node test/support/try-lock.ts <directory> <delayMilliseconds>
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/ports/logger.ts';
import { DataDirectoryLockedError, lockDataDirectory } from '../../src/storage/data-directory-lock.ts';

const [directory, delay] = process.argv.slice(2);
await sleep(Number(delay));
try {
  const lock = await lockDataDirectory(directory!, { displayName: directory!, purpose: 'migrate', log: silentLogger, onLost: () => {} });
  process.stdout.write('taken\n');
  await lock.release();
} catch (error) {
  process.stdout.write(error instanceof DataDirectoryLockedError ? 'refused\n' : `failed: ${(error as Error).message}\n`);
}
