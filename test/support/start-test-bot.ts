import pino from 'pino';
import { configSchema, type Config } from '../../src/config/config-schema.ts';
import { startBot, type RunningBot } from '../../src/cli/start-bot.ts';
import { waitFor } from '../../src/cli/wait-for.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestBot {
  bot: RunningBot;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The whole bot on a throwaway database and a free port, configured like production otherwise. */
export async function startTestBot(overrides: DeepPartial<Config> = {}, options: Parameters<typeof startBot>[2] = {}): Promise<TestBot> {
  const database = await createTestDatabase();
  const config = configSchema.parse({
    ...overrides,
    server: { port: 0, logLevel: 'silent', ...overrides.server },
    storage: { ...overrides.storage, databaseUrl: database.url },
  });
  const started = await startBot(config, pino({ level: 'silent' }), options);
  if (!started.ok) throw new Error(started.errors.join('\n'));
  return {
    bot: started.bot,
    database,
    config,
    close: async () => {
      await started.bot.close();
      await database.drop();
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after about ten seconds (or `timeoutMilliseconds`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMilliseconds = 10_000): Promise<T> {
  const value = await waitFor(check, timeoutMilliseconds);
  if (value === undefined) throw new Error('condition not met in time');
  return value;
}
