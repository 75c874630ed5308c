/**
 * Child process of the merge fault tests: the whole bot (configured from the environment like `awoooi serve`)
 * whose job heartbeats are quick, so that after a SIGKILL the next process retries the dead one's jobs within
 * about two seconds instead of ten, and a test can wait for every analysis to finish.
 *
 * usage: node test/support/serve-with-quick-liveness.ts   (DATABASE_URL, PORT in the environment)
 */
import pino from 'pino';
import { startBot } from '../../src/cli/start-bot.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { openDatabase } from '../../src/storage/open-database.ts';

const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`${loaded.errors.join('\n')}\n`);
  process.exit(2);
}
// Heartbeats through a small pool of their own: the bot's pool is not reachable from here.
const heartbeats = await openDatabase({ databaseUrl: loaded.config.storage.databaseUrl, dataDir: 'unused', poolSize: 1 });
const started = await startBot(loaded.config, pino({ level: 'info' }), {
  jobs: { liveness: { db: heartbeats.db, heartbeatMilliseconds: 300, deadAfterMilliseconds: 1_500 }, orphanSweepMilliseconds: 500 },
});
if (!started.ok) {
  process.stderr.write(`${started.errors.join('\n')}\n`);
  process.exit(2);
}
