import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.ts';
import { startBot } from './start-bot.ts';

/** `awoooi serve`: run until SIGINT/SIGTERM, then drain and close. */
export async function serveCommand(config: Config, log: Logger): Promise<number> {
  const started = await startBot(config, log);
  if (!started.ok) {
    for (const error of started.errors) log.error(error);
    return 2;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('shutting down');
  await started.bot.close();
  return 0;
}
