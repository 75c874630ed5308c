// The bot as its own process on a throwaway database of the PostgreSQL here, for the benchmarks.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { type Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export const benchToken = 'bench-token-0123456789abcdef';
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface BenchBot {
  port: number;
  pid: number;
  databaseUrl: string;
  /** Where the bot's log lines go (info level: the per-request lines are part of what is measured). */
  logFile: string;
  stop(): Promise<void>;
}

/** Starts `awoooi serve` with the given topology and environment; resolves once /readyz answers. */
export async function startBenchBot(options: { topology: string; environment?: Record<string, string> }): Promise<BenchBot> {
  const database = `awoooi_bench_${process.pid}_${Date.now() % 100_000}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  // Each statement's duration in PostgreSQL's log, to see where its time goes (BENCH_LOG_STATEMENTS=1).
  if (process.env.BENCH_LOG_STATEMENTS) await admin.query(`ALTER DATABASE ${database} SET log_min_duration_statement = 0`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const directory = mkdtempSync(join(tmpdir(), 'awoooi-bench-'));
  const topologyPath = join(directory, 'topology.yaml');
  writeFileSync(topologyPath, options.topology);
  const logFile = join(directory, 'bot.log');
  const port = await freePort();
  const bot = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
      // V8 flags for the bot only, e.g. BENCH_BOT_FLAGS=--trace-gc (its lines go to the bot's log).
      ...(process.env.BENCH_BOT_FLAGS?.split(' ').filter(Boolean) ?? []),
      'bin/awoooi.js',
      'serve',
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        PORT: String(port),
        AWOOOI_WEBHOOK_TOKEN: benchToken,
        AWOOOI_TOPOLOGY: topologyPath,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        ...options.environment,
      },
      stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
    },
  );
  const exited = new Promise((resolve) => bot.once('exit', resolve));
  const stop = async () => {
    bot.kill('SIGTERM');
    await exited;
    if (!process.env.BENCH_KEEP_DATABASE) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.end();
      rmSync(directory, { recursive: true, force: true });
    }
  };
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 150) {
      await stop();
      throw new Error('bot did not start');
    }
    await sleep(100);
  }
  return { port, pid: bot.pid ?? 0, databaseUrl: url.toString(), logFile, stop };
}

export interface PostResult {
  status: number;
  milliseconds: number;
  body: string;
}

/** One HTTP POST over a keep-alive agent, timed from the first byte sent to the last byte of the answer. */
export function post(agent: Agent, target: { port: number; path: string; token?: string }, body: string): Promise<PostResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const call = request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path: target.path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            milliseconds: Number(process.hrtime.bigint() - started) / 1e6,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

/** Sends every body from `connections` connections at once, as fast as answered; alerts/s and answer times. */
export async function closedLoop(
  send: (body: string) => Promise<PostResult>,
  batches: readonly { body: string; alerts: number }[],
  connections: number,
): Promise<{ alertsPerSecond: number; p50Ms: number; p99Ms: number; failures: number; requests: number; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let alerts = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const result = await send(batch.body).catch(() => null);
        if (result === null || result.status < 200 || result.status >= 300) failures++;
        else alerts += batch.alerts;
        latencies.push(result?.milliseconds ?? Number.POSITIVE_INFINITY);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    alertsPerSecond: Math.round(alerts / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    failures,
    requests: batches.length,
    seconds: round(seconds),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const round = (value: number) => Math.round(value * 10) / 10;
