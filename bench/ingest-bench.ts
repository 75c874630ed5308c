// Ingest benchmark on the storm shape (bench/storm-shape.ts): Alertmanager v4 webhooks of long-lived
// `group_by: [alertname]` groups through the real HTTP endpoint into the real PostgreSQL here, the bot running as
// its own process at log level info. Beside it, Alertmanager's own intake of the same alerts. Not a test: it
// prints figures. Knobs: BENCH_CONNECTIONS (8), BENCH_REQUESTS (3000), BENCH_STEADY_SECONDS (15),
// BENCH_HUGE_ALERTS (100000).
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { alertmanagerIntake } from './alertmanager-intake.ts';
import { cpuPerThousand, readCpu } from './cpu-meter.ts';
import { benchToken, closedLoop, percentile, post, round, startBenchBot } from './bench-bot.ts';
import { StormGroups, stormTopology, topologyFile, type StormBatch } from './storm-shape.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const requests = Number(process.env.BENCH_REQUESTS ?? 3000);
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 15);
const hugeAlerts = Number(process.env.BENCH_HUGE_ALERTS ?? 100_000);
const groups = 20;

async function main() {
  const services = stormTopology(300);
  const bot = await startBenchBot({ topology: topologyFile(services) });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send = (body: string) => post(agent, { port: bot.port, path: '/api/v1/alerts/alertmanager', token: benchToken }, body);
  const database = new pg.Client({ connectionString: bot.databaseUrl });
  await database.connect();
  try {
    // Groups that have lived for hours: each already holds 60–100 alerts of as many services.
    const storm = new StormGroups({ services, groups, seed: 11 });
    for (let group = 0; group < groups; group++) {
      storm.grow(group, 60 + ((group * 7) % 41));
      await send(storm.snapshot(group, true).body);
    }
    let turn = 0;
    // Every group in turn, in a shuffled order (7 and 20 are coprime).
    const stormBatches = (count: number) => Array.from({ length: count }, () => storm.next((turn++ * 7) % groups));
    for (const batch of stormBatches(200)) await send(batch.body);
    // Statistics as autovacuum keeps them in a running system; a table seconds old has none.
    await database.query('ANALYZE');

    // 1. Answer times at a steady 1,000 alerts/s, open loop (each batch leaves on time, answered or not).
    const steadyBatches: StormBatch[] = [];
    for (let alerts = 0; alerts < steadySeconds * 1000; ) {
      const batch = stormBatches(1)[0]!;
      steadyBatches.push(batch);
      alerts += batch.alerts;
    }
    const steady: number[] = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    let due = 0;
    for (const batch of steadyBatches) {
      const wait = t0 + due - performance.now();
      if (wait > 0) await sleep(wait);
      due += batch.alerts; // milliseconds at 1,000 alerts/s
      pending.push(
        send(batch.body).then(
          (result) => void steady.push(result.status === 200 ? result.milliseconds : Number.POSITIVE_INFINITY),
          () => void steady.push(Number.POSITIVE_INFINITY),
        ),
      );
    }
    await Promise.all(pending);
    steady.sort((a, b) => a - b);
    const atThousand = { p50Ms: round(percentile(steady, 50)), p99Ms: round(percentile(steady, 99)), maxMs: round(steady.at(-1)!), requests: steady.length };

    // 2. Throughput: `connections` connections, as fast as the bot answers.
    const throughputBatches = stormBatches(requests);
    const databaseName = new URL(bot.databaseUrl).pathname.slice(1);
    const cpuBefore = await readCpu(bot.pid, database, databaseName);
    const throughput = { ...(await closedLoop(send, throughputBatches, connections)), connections };
    const cpu = cpuPerThousand(
      cpuBefore,
      await readCpu(bot.pid, database, databaseName),
      throughputBatches.reduce((sum, batch) => sum + batch.alerts, 0),
    );

    // 3. Per-batch cost against incident size: one group growing to `hugeAlerts` alerts, measured with batches of
    //    100 (95 re-sent, 5 new) when its incident is young and again when it holds them all.
    const huge = new StormGroups({ services, groups: 1, seed: 23, namePrefix: 'Huge' });
    const slices = (count: number) => Array.from({ length: count }, () => huge.slice(0, 100, 5));
    for (let batch = 0; batch < 10; batch++) await send(huge.slice(0, 100, 100).body);
    const sizeOf = async () =>
      Number(
        (
          await database.query(
            `SELECT count(*)::int AS alerts FROM alerts WHERE incident_id = (SELECT incident_id FROM alerts WHERE group_key LIKE '%Huge%' LIMIT 1)`,
          )
        ).rows[0].alerts,
      );
    const startSize = await sizeOf();
    const start = await closedLoop(send, slices(400), connections);
    const growing = await closedLoop(
      send,
      Array.from({ length: Math.max(0, Math.ceil((hugeAlerts - startSize - 2000) / 100)) }, () => huge.slice(0, 100, 100)),
      connections,
    );
    await database.query('ANALYZE');
    const afterSize = await sizeOf();
    const after = await closedLoop(send, slices(400), connections);
    const incidentSize = {
      start: { incidentAlerts: startSize, alertsPerSecond: start.alertsPerSecond, p50Ms: start.p50Ms, p99Ms: start.p99Ms },
      after: { incidentAlerts: afterSize, alertsPerSecond: after.alertsPerSecond, p50Ms: after.p50Ms, p99Ms: after.p99Ms },
      ratio: Number((after.alertsPerSecond / start.alertsPerSecond).toFixed(2)),
      growthAlertsPerSecond: growing.alertsPerSecond,
    };

    const { rows } = await database.query('SELECT count(*)::int AS alerts, (SELECT count(*)::int FROM incidents) AS incidents FROM alerts');
    const logLines = readFileSync(bot.logFile, 'utf8').split('\n').filter(Boolean);
    const problems = logLines.filter((line) => /"level":(40|50|60)/.test(line));
    agent.destroy();

    // 4. Alertmanager's intake of the same batches as (2), converted to its API v2.
    const alertmanager = await alertmanagerIntake(
      throughputBatches.map((batch) => ({ body: batch.alertmanagerBody(), alerts: batch.alerts })),
      connections,
    );

    console.log(`storm shape: ${groups} groups (group_by alertname) over ${services.length} services, ~100 alerts a batch, mostly re-sends`);
    console.log(
      `ingest throughput: ${throughput.alertsPerSecond} alerts/s stored durably (${connections} connections, ${requests} batches), answer p50 ${throughput.p50Ms} ms, p99 ${throughput.p99Ms} ms, failures ${throughput.failures} (target ≥ 20,000 alerts/s)`,
    );
    console.log(
      `CPU per 1,000 alerts in that run: bot ${cpu.botSeconds} s, PostgreSQL ${cpu.postgresSeconds} s (2 cores give 2 s a second; compare runs made back to back)`,
    );
    console.log(
      `ingest at 1,000 alerts/s: answer p50 ${atThousand.p50Ms} ms, p99 ${atThousand.p99Ms} ms, max ${atThousand.maxMs} ms over ${atThousand.requests} batches (target p99 < 50 ms)`,
    );
    console.log(
      `per-batch cost vs incident size: ${incidentSize.start.alertsPerSecond} alerts/s with ${startSize} alerts in the incident, ${incidentSize.after.alertsPerSecond} alerts/s with ${afterSize} (ratio ${incidentSize.ratio}; p50 ${incidentSize.start.p50Ms} → ${incidentSize.after.p50Ms} ms)`,
    );
    console.log(
      alertmanager.ok
        ? `Alertmanager ${alertmanager.version} intake of the same batches: ${alertmanager.alertsPerSecond} alerts/s (p50 ${alertmanager.p50Ms} ms, p99 ${alertmanager.p99Ms} ms, failures ${alertmanager.failures}); ours / theirs = ${Number((throughput.alertsPerSecond / alertmanager.alertsPerSecond).toFixed(2))}`
        : `Alertmanager intake: not measured (${alertmanager.reason})`,
    );
    console.log(`rows in alerts: ${rows[0].alerts}, incidents: ${rows[0].incidents}; bot log: ${logLines.length} lines, ${problems.length} warnings or errors`);
    for (const line of problems.slice(0, 5)) console.log(`  ${line.slice(0, 300)}`);
    console.log(
      `BENCH ingest ${JSON.stringify({
        throughput,
        cpuPerThousandAlerts: cpu,
        atThousand,
        incidentSize,
        alertmanager,
        oursOverAlertmanager: alertmanager.ok ? Number((throughput.alertsPerSecond / alertmanager.alertsPerSecond).toFixed(2)) : null,
        storedAlerts: rows[0].alerts,
      })}`,
    );
  } finally {
    await database.end();
    await bot.stop();
  }
}

await main();
