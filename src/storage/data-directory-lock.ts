import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import type { Logger } from '../ports/logger.ts';

/** Refreshed every `updateMilliseconds` by its holder; anyone may take it once it is this old. */
export const lockStaleMilliseconds = 10_000;
const updateMilliseconds = 2_000;
const pollMilliseconds = 500;

/** Who holds the lock, as its holder wrote it down next to the lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** `serve`, `migrate`, `audit verify`… */
  purpose: string;
  since: string;
}

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
 * processes writing the same files corrupt it. The lock is a directory created atomically next to pgdata
 * (proper-lockfile), its mtime refreshed by the holder. A holder that was killed stops refreshing it, so the
 * next process waits until the lock is stale (at most `lockStaleMilliseconds`) and takes it over; a lock
 * that keeps being refreshed belongs to a live process, and we refuse at once.
 */
export async function lockDataDirectory(directory: string, options: LockOptions): Promise<DataDirectoryLock> {
  const target = join(directory, 'pgdata');
  const lockPath = join(directory, 'pgdata.lock');
  const holderPath = join(directory, 'pgdata.lock.json');
  const deadline = Date.now() + lockStaleMilliseconds + 2 * updateMilliseconds;
  let firstSeen: number | undefined;
  let waitLogged = false;
  for (;;) {
    try {
      const release = await lockfile.lock(target, {
        lockfilePath: lockPath,
        realpath: false,
        stale: lockStaleMilliseconds,
        update: updateMilliseconds,
        onCompromised: (error) => options.onLost(error),
      });
      const holder: LockHolder = { pid: process.pid, host: hostname(), purpose: options.purpose, since: new Date().toISOString() };
      writeFileSync(holderPath, `${JSON.stringify(holder)}\n`);
      options.log.info({ dataDirectory: options.displayName, purpose: options.purpose, waited: waitLogged }, 'data directory lock taken');
      return {
        release: async () => {
          rmSync(holderPath, { force: true });
          await release().catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const holder = readHolder(holderPath);
    const refreshed = lockMtime(lockPath);
    firstSeen ??= refreshed;
    const alive = refreshed !== undefined && firstSeen !== undefined && refreshed !== firstSeen;
    if (alive || Date.now() > deadline) {
      options.log.warn(
        { dataDirectory: options.displayName, purpose: options.purpose, holderPid: holder?.pid, holderPurpose: holder?.purpose },
        'data directory lock refused',
      );
      throw new DataDirectoryLockedError(options.displayName, holder, options.purpose);
    }
    if (!waitLogged) {
      waitLogged = true;
      options.log.info(
        { dataDirectory: options.displayName, holderPid: holder?.pid, staleAfterSeconds: lockStaleMilliseconds / 1000 },
        'data directory locked; waiting in case its holder is gone (a lock nobody refreshes goes stale)',
      );
    }
    await sleep(pollMilliseconds);
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

function lockMtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
