import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../src/cli/wait-for.ts';

const repository = fileURLToPath(new URL('../../', import.meta.url));

export interface BotProcess {
  child: ChildProcess;
  /** Every JSON log line so far (non-JSON lines are kept as `{ text }`). */
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Set once the process is gone: how it ended. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Log lines whose message matches. */
  logged(message: RegExp): Record<string, unknown>[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `awoooi <args>` (or a test script) as a child process, so that a crash is seen as what it is: the
 * process ending. Only PATH and the given variables reach it.
 */
export function spawnBot(args: string[], environment: Record<string, string>, script = 'bin/awoooi.js'): BotProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: repository,
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete.filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const bot: BotProcess = {
    child,
    lines,
    stderr: () => errors,
    exit: undefined,
    exited: new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        bot.exit = { code, signal };
        resolve({ code, signal });
      });
    }),
    logged: (message) => lines.filter((line) => message.test(String(line.msg ?? line.text ?? ''))),
    kill: async (signal = 'SIGTERM') => {
      if (bot.exit) return;
      child.kill(signal);
      await bot.exited;
    },
  };
  return bot;
}

/** The URL the bot says it listens on, once it says so; throws with its output if it ended or never did. */
export async function listeningUrl(bot: BotProcess, timeoutMilliseconds = 30_000): Promise<string> {
  const url = await waitFor(async () => {
    if (bot.exit) return null;
    const line = bot.logged(/^AWOOOI listening on /)[0];
    return line ? String(line.msg).replace('AWOOOI listening on ', '') : undefined;
  }, timeoutMilliseconds);
  if (!url) throw new Error(`bot did not start (exit ${JSON.stringify(bot.exit)}):\n${bot.stderr()}\n${JSON.stringify(bot.lines.slice(-5))}`);
  return url;
}
