// Ingest benchmark: Alertmanager-shaped batches (100 alerts per request) through the real HTTP endpoint into
// the real PostgreSQL here, the bot running as its own process. Not a test: it prints figures.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const token = 'bench-token-0123456789abcdef';
const alertsPerRequest = 100;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let sequence = 0;
function batch(): string {
  const group = sequence++;
  const startsAt = new Date().toISOString();
  const alerts = Array.from({ length: alertsPerRequest }, (_, index) => ({
    status: 'firing',
    labels: {
      alertname: 'KubePodCrashLooping',
      namespace: `ns-${group % 50}`,
      pod: `svc-${group}-7d9f8b6c5d-${String(index).padStart(5, 'x')}`,
      container: `svc-${group}`,
      severity: 'warning',
    },
    annotations: { summary: 'Pod is crash looping.', description: `Pod ns/svc-${group} is in waiting state (reason: "CrashLoopBackOff").` },
    startsAt,
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.monitoring:9090/graph?g0.expr=...',
    fingerprint: (group * alertsPerRequest + index).toString(16).padStart(16, '0'),
  }));
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="KubePodCrashLooping",group="${group}"}`,
    status: 'firing',
    receiver: 'bench',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    alerts,
  });
}

function post(agent: Agent, port: number, body: string): Promise<{ status: number; milliseconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const call = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/alerts/alertmanager',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, milliseconds: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const database = `awoooi_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const port = await freePort();
  const bot = spawn(
    process.execPath,
    [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), 'bin/awoooi.js', 'serve'],
    {
      env: { ...process.env, DATABASE_URL: url.toString(), PORT: String(port), AWOOOI_WEBHOOK_TOKEN: token, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  try {
    for (let attempt = 0; ; attempt++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (attempt > 100) throw new Error('bot did not start');
      await sleep(100);
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    for (let warm = 0; warm < 50; warm++) await post(agent, port, batch());
    // Statistics as autovacuum keeps them in a running system; a table seconds old has none, and the planner's
    // guesses for it are not what production sees.
    const statistics = new pg.Client({ connectionString: url.toString() });
    await statistics.connect();
    await statistics.query('ANALYZE');
    await statistics.end();

    // 1. Latency at a steady 1,000 alerts/s (10 requests of 100 a second), open-loop, before any backlog.
    const steady: number[] = [];
    const steadyRequests = Number(process.env.BENCH_STEADY_REQUESTS ?? 150);
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let index = 0; index < steadyRequests; index++) {
      const due = t0 + index * 100;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(post(agent, port, batch()).then((result) => void steady.push(result.status === 200 ? result.milliseconds : Number.POSITIVE_INFINITY)));
    }
    await Promise.all(pending);
    steady.sort((a, b) => a - b);
    const atThousand = { p50Ms: percentile(steady, 50), p99Ms: percentile(steady, 99), requests: steadyRequests };

    // 2. Throughput: several connections, as fast as the bot answers.
    const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
    const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
    const bodies = Array.from({ length: requests }, batch);
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < bodies.length) {
          const result = await post(agent, port, bodies[next++]!);
          if (result.status !== 200) failures++;
          latencies.push(result.milliseconds);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const throughput = {
      alertsPerSecond: Math.round((requests * alertsPerRequest) / seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      failures,
      connections,
      requests,
    };

    const stored = await new pg.Client({ connectionString: url.toString() });
    await stored.connect();
    const { rows } = await stored.query('SELECT count(*)::int AS alerts FROM alerts');
    await stored.end();
    agent.destroy();

    console.log(
      `ingest throughput: ${throughput.alertsPerSecond} alerts/s stored durably (${connections} connections, ${requests} × ${alertsPerRequest} alerts), answer p50 ${throughput.p50Ms.toFixed(1)} ms, p99 ${throughput.p99Ms.toFixed(1)} ms, failures ${failures}`,
    );
    console.log(`ingest at 1,000 alerts/s: answer p50 ${atThousand.p50Ms.toFixed(1)} ms, p99 ${atThousand.p99Ms.toFixed(1)} ms (target p99 < 50 ms)`);
    console.log(`rows in alerts: ${rows[0].alerts}; target ≥ 20,000 alerts/s (Alertmanager itself: 16–20k/s here)`);
    console.log(`BENCH ingest ${JSON.stringify({ throughput, atThousand, storedAlerts: rows[0].alerts })}`);
  } finally {
    bot.kill('SIGTERM');
    await new Promise((resolve) => bot.once('exit', resolve));
    if (!process.env.BENCH_KEEP_DATABASE) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
