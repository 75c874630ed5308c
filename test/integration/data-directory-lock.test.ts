import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/ports/logger.ts';
import { DataDirectoryLockedError, lockDataDirectory, lockStaleMilliseconds } from '../../src/storage/data-directory-lock.ts';

const tryLock = fileURLToPath(new URL('../support/try-lock.ts', import.meta.url));

const options = (purpose: string) => ({ displayName: './.awoooi', purpose, log: silentLogger, onLost: () => {} });

describe('the data-directory lock (proper-lockfile on its own thread)', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'awoooi-lock-unit-'));
    mkdirSync(join(directory, 'pgdata'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('refuses a second holder while the first one is alive, naming it, and lets the next one in once it is released', async () => {
    const first = await lockDataDirectory(directory, options('serve'));
    const refused = await lockDataDirectory(directory, options('migrate')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirectoryLockedError);
    expect((refused as Error).message).toBe(
      `the bot is running on ./.awoooi (pid ${process.pid} on ${(refused as DataDirectoryLockedError).holder?.host}, since ${(refused as DataDirectoryLockedError).holder?.since}); stop it first, or set DATABASE_URL to a PostgreSQL server`,
    );
    await first.release();
    const next = await lockDataDirectory(directory, options('audit verify'));
    await next.release();
  });

  it('takes over at once a lock its holder stopped refreshing long ago (a process killed with -9)', async () => {
    const lock = join(directory, 'pgdata.lock');
    mkdirSync(lock);
    writeFileSync(join(directory, 'pgdata.lock.json'), JSON.stringify({ pid: 999_999, host: 'gone', purpose: 'serve', since: '2026-01-01T00:00:00Z' }));
    const longAgo = new Date(Date.now() - 2 * lockStaleMilliseconds);
    utimesSync(lock, longAgo, longAgo);
    const taken = await lockDataDirectory(directory, options('serve'));
    await taken.release();
  });

  it("stays held while the holder's main thread is blocked for longer than the stale time (PGlite runs there)", async () => {
    const held = await lockDataDirectory(directory, options('serve'));
    const child = spawn(process.execPath, [tryLock, directory, String(lockStaleMilliseconds + 1000)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let answer = '';
    child.stdout.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const ended = new Promise((resolve) => child.on('exit', resolve));
    // What a long PGlite call does to this thread: nothing here runs meanwhile, timers included.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, lockStaleMilliseconds + 6000);
    await ended;
    expect(answer.trim()).toBe('refused');
    await held.release();
  }, 40_000);
});
