/**
 * Child process of the job-expiry test: the whole bot (configured from the environment like `awoooi serve`)
 * with a brain that never answers, so an analyze-incident job stays active until the test SIGKILLs the
 * process. The brain says on stdout when it has been reached. Jobs expire after JOB_EXPIRY_SECONDS.
 *
 * usage: node test/support/serve-with-stuck-brain.ts   (DATABASE_URL, PORT, JOB_EXPIRY_SECONDS in the environment)
 */
import pino from 'pino';
import { startBot } from '../../src/cli/start-bot.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { BrainPort } from '../../src/ports/brain-port.ts';

const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`${loaded.errors.join('\n')}\n`);
  process.exit(2);
}
const stuck: BrainPort = {
  description: 'a brain that never answers (test)',
  diagnose: (input) => {
    process.stdout.write(`${JSON.stringify({ msg: 'stuck brain reached', title: input.title })}\n`);
    return new Promise(() => {});
  },
};
const started = await startBot(loaded.config, pino({ level: 'info' }), {
  brain: stuck,
  jobs: { expireInSeconds: Number(process.env.JOB_EXPIRY_SECONDS) },
});
if (!started.ok) {
  process.stderr.write(`${started.errors.join('\n')}\n`);
  process.exit(2);
}
