import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.ts';
import { startBot } from './start-bot.ts';
import { tolerateLostConnections } from './tolerate-lost-connections.ts';

/** `awoooi serve`: run until SIGINT/SIGTERM, then drain and close. */
export async function serveCommand(config: Config, log: Logger): Promise<number> {
  let fatal: ((reason: string) => void) | undefined;
  const stopped = new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
    fatal = () => resolve(1);
  });
  const started = await startBot(config, log, { onFatal: (reason) => fatal?.(reason) });
  if (!started.ok) {
    for (const error of started.errors) log.error(error);
    return 2;
  }
  const tolerating = tolerateLostConnections(started.bot.database.health);
  const exitCode = await stopped;
  log.info('shutting down');
  await started.bot.close();
  tolerating();
  return exitCode;
}
