/**
 * Holds the lock of one embedded data directory on a thread of its own (see data-directory-lock.ts): the
 * main thread runs PGlite, whose WebAssembly can block it for seconds, and a lock refreshed from there could
 * look stale to another process while its holder is alive.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import lockfile from 'proper-lockfile';
import type { LockHolder, LockMessage, LockRequest } from './data-directory-lock.ts';

const request = workerData as LockRequest;
const post = (message: LockMessage) => parentPort?.postMessage(message);
const lockPath = join(request.directory, 'pgdata.lock');
const holderPath = join(request.directory, 'pgdata.lock.json');

function readHolder(): LockHolder | null {
  try {
    return JSON.parse(readFileSync(holderPath, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

function lockMtime(): number | undefined {
  try {
    return statSync(lockPath).mtimeMs;
  } catch {
    return undefined;
  }
}

async function acquire(): Promise<(() => Promise<void>) | null> {
  // A dead holder's lock goes stale after staleMilliseconds; a live one is refreshed every update interval.
  const deadline = Date.now() + request.staleMilliseconds + 2 * request.updateMilliseconds;
  let firstSeen: number | undefined;
  let waiting = false;
  for (;;) {
    try {
      return await lockfile.lock(join(request.directory, 'pgdata'), {
        lockfilePath: lockPath,
        realpath: false,
        stale: request.staleMilliseconds,
        update: request.updateMilliseconds,
        onCompromised: (error) => post({ type: 'lost', message: error.message }),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const refreshed = lockMtime();
    firstSeen ??= refreshed;
    const holderAlive = refreshed !== undefined && firstSeen !== undefined && refreshed !== firstSeen;
    if (holderAlive || Date.now() > deadline) {
      post({ type: 'refused', holder: readHolder() });
      return null;
    }
    if (!waiting) post({ type: 'waiting', holder: readHolder() });
    waiting = true;
    await sleep(request.pollMilliseconds);
  }
}

try {
  const release = await acquire();
  if (release) {
    const holder: LockHolder = { pid: process.pid, host: hostname(), purpose: request.purpose, since: new Date().toISOString() };
    writeFileSync(holderPath, `${JSON.stringify(holder)}\n`);
    post({ type: 'taken' });
    parentPort?.once('message', async () => {
      rmSync(holderPath, { force: true });
      await release().catch(() => {});
      post({ type: 'released' });
    });
  }
} catch (error) {
  post({ type: 'failed', message: (error as Error).message });
}
