import { Worker } from 'node:worker_threads';
import type { Logger } from '../ports/logger.ts';

/** Refreshed every `updateMilliseconds` by its holder; anyone may take it once it is this old. */
export const lockStaleMilliseconds = 10_000;
const updateMilliseconds = 2_000;

/** Who holds the lock, as its holder wrote it down next to the lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** `serve`, `migrate`, `audit verify`… */
  purpose: string;
  since: string;
}

/** What the lock's thread is asked to do (data-directory-lock-worker.ts). */
export interface LockRequest {
  directory: string;
  purpose: string;
  staleMilliseconds: number;
  updateMilliseconds: number;
  pollMilliseconds: number;
}

/** What the lock's thread reports. */
export type LockMessage =
  | { type: 'waiting'; holder: LockHolder | null }
  | { type: 'taken' }
  | { type: 'refused'; holder: LockHolder | null }
  | { type: 'failed'; message: string }
  | { type: 'lost'; message: string }
  | { type: 'released' };

/** The embedded database is in use by another process; nothing was opened. */
export class DataDirectoryLockedError extends Error {
  readonly holder: LockHolder | null;

  constructor(dataDirectory: string, holder: LockHolder | null, purpose: string) {
    const who = holder
      ? holder.purpose === 'serve'
        ? `the bot is running on ${dataDirectory} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
        : `\`awoooi ${holder.purpose}\` is using ${dataDirectory} (pid ${holder.pid} on ${holder.host})`
      : `another process holds ${dataDirectory}`;
    const advice =
      purpose === 'serve'
        ? 'the embedded database serves one process: stop the other one first, or point both at a PostgreSQL server with DATABASE_URL'
        : 'stop it first, or set DATABASE_URL to a PostgreSQL server';
    super(`${who}; ${advice}`);
    this.name = 'DataDirectoryLockedError';
    this.holder = holder;
  }
}

export interface DataDirectoryLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** How the data directory is named to people (as configured, e.g. ./.awoooi). */
  displayName: string;
  purpose: string;
  log: Logger;
  /** The lock could not be kept fresh, or someone else took it: stop using the data directory. */
  onLost(error: Error): void;
}

/**
 * One process at a time in an embedded data directory: PGlite is a single-process database, and two
 * processes writing the same files corrupt it (docs/adr/0007-embedded-data-directory-lock.md). The lock is a
 * directory created atomically next to pgdata (proper-lockfile), its mtime refreshed by its holder on a
 * thread of its own. A holder that was killed stops refreshing it, so the next process waits until it is
 * stale (at most `lockStaleMilliseconds`) and takes it over; a lock that keeps being refreshed belongs to a
 * live process, and we refuse at once with DataDirectoryLockedError.
 */
export async function lockDataDirectory(directory: string, options: LockOptions): Promise<DataDirectoryLock> {
  const request: LockRequest = { directory, purpose: options.purpose, staleMilliseconds: lockStaleMilliseconds, updateMilliseconds, pollMilliseconds: 500 };
  const worker = new Worker(new URL('./data-directory-lock-worker.ts', import.meta.url), { workerData: request });
  // The lock never keeps a process alive; a process that ends without releasing it leaves it to go stale.
  worker.unref();
  const fields = { dataDirectory: options.displayName, purpose: options.purpose };
  let released: () => void = () => {};
  const outcome = await new Promise<'taken' | Error>((resolve) => {
    let waited = false;
    worker.on('error', (error) => resolve(error));
    worker.on('message', (message: LockMessage) => {
      if (message.type === 'waiting') {
        waited = true;
        options.log.info(
          { ...fields, holderPid: message.holder?.pid, staleAfterSeconds: lockStaleMilliseconds / 1000 },
          'data directory locked; waiting in case its holder is gone (a lock nobody refreshes goes stale)',
        );
      } else if (message.type === 'taken') {
        options.log.info({ ...fields, waited }, 'data directory lock taken');
        resolve('taken');
      } else if (message.type === 'refused') {
        options.log.warn({ ...fields, holderPid: message.holder?.pid, holderPurpose: message.holder?.purpose }, 'data directory lock refused');
        resolve(new DataDirectoryLockedError(options.displayName, message.holder, options.purpose));
      } else if (message.type === 'failed') resolve(new Error(`cannot lock ${options.displayName}: ${message.message}`));
      else if (message.type === 'lost') options.onLost(new Error(message.message));
      else released();
    });
  });
  if (outcome !== 'taken') {
    await worker.terminate();
    throw outcome;
  }
  return {
    release: async () => {
      const done = new Promise<void>((resolve) => (released = resolve));
      worker.postMessage('release');
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await worker.terminate();
    },
  };
}
