// Alert-to-card latency under a storm (issue 6: p99 under 1 s while 10,000 alerts a minute arrive). The bot runs
// as its own process with Redis, so this process sees its `incident-updated` events. For each webhook batch:
// from the moment it is sent to the first event after which the incident's stored analysis covers it (its
// `revision` is at least the incident's revision read right after the answer: conservative, later batches of the
// same incident can only raise it), and to the event after that one (the proposal step's; one analysis per
// incident runs at a time, so it is the same run's). Not a test: it prints figures.
// Knobs: BENCH_STORM_SECONDS (60), BENCH_ALERTS_PER_MINUTE (10000), BENCH_GROUP_INTERVAL_SECONDS (12).
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { benchToken, percentile, post, round, startBenchBot } from './bench-bot.ts';
import { StormGroups, stormTopology, topologyFile } from './storm-shape.ts';

const seconds = Number(process.env.BENCH_STORM_SECONDS ?? 60);
const alertsPerMinute = Number(process.env.BENCH_ALERTS_PER_MINUTE ?? 10_000);
const groupInterval = Number(process.env.BENCH_GROUP_INTERVAL_SECONDS ?? 12);
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const maxAlerts = 100;

interface Pending {
  sentAt: number;
  revision: number;
  analysedAt?: number;
}

async function main() {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch {
    console.log(`card latency: not measured (no Redis at ${redisUrl}: the bench listens to the bot's events there)`);
    return;
  }
  const services = stormTopology(300);
  const bot = await startBenchBot({ topology: topologyFile(services), environment: { REDIS_URL: redisUrl } });
  const database = new pg.Pool({ connectionString: bot.databaseUrl, max: 4 });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    // Enough groups of up to 100 alerts, each re-sent every group interval, for the rate asked.
    const groups = Math.max(1, Math.round(alertsPerMinute / ((60 / groupInterval) * maxAlerts * 0.85)));
    const storm = new StormGroups({ services, groups, seed: 31, maxAlerts });
    // Groups that have been growing for a while already: 70–95 alerts each.
    for (let group = 0; group < groups; group++) storm.grow(group, 70 + (group % 26));

    const pending = new Map<string, Pending[]>();
    const analysed: number[] = [];
    const carded: number[] = [];
    const awaitingCard = new Map<string, number[]>();
    let events = 0;
    const revisionOf = async (incidentId: string) =>
      Number((await database.query(`SELECT (analysis->>'revision')::bigint AS revision FROM incidents WHERE id = $1`, [incidentId])).rows[0]?.revision ?? 0);
    const subscriber = redis.duplicate();
    await subscriber.subscribe('awoooi:events');
    let queue = Promise.resolve();
    subscriber.on('message', (_channel: string, message: string) => {
      const at = performance.now();
      const { incidentId } = JSON.parse(message) as { incidentId: string };
      events++;
      // One at a time, in arrival order, so the revision read belongs to this event or a later one.
      queue = queue.then(async () => {
        const proposals = awaitingCard.get(incidentId) ?? [];
        awaitingCard.delete(incidentId);
        for (const sentAt of proposals) carded.push(at - sentAt);
        const waiting = pending.get(incidentId);
        if (!waiting || waiting.length === 0) return;
        const revision = await revisionOf(incidentId);
        const covered = waiting.filter((entry) => entry.revision <= revision);
        pending.set(
          incidentId,
          waiting.filter((entry) => entry.revision > revision),
        );
        for (const entry of covered) analysed.push(at - entry.sentAt);
        if (covered.length > 0) awaitingCard.set(incidentId, [...(awaitingCard.get(incidentId) ?? []), ...covered.map((entry) => entry.sentAt)]);
      });
    });

    // Each group is re-sent every group interval, the groups spread evenly over it.
    const started = performance.now();
    const sends: Promise<void>[] = [];
    let alertsSent = 0;
    let batches = 0;
    let failures = 0;
    for (let tick = 0; ; tick++) {
      const due = started + (tick * groupInterval * 1000) / groups;
      if (due - started >= seconds * 1000) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const batch = storm.next(tick % groups);
      alertsSent += batch.alerts;
      batches++;
      const sentAt = performance.now();
      sends.push(
        post(agent, { port: bot.port, path: '/api/v1/alerts/alertmanager', token: benchToken }, batch.body).then(async (answer) => {
          if (answer.status !== 200) {
            failures++;
            return;
          }
          const { incidents } = JSON.parse(answer.body) as { incidents: string[] };
          const { rows } = await database.query(
            `SELECT id, (SELECT max(revision) FROM incident_alert_groups WHERE incident_id = incidents.id) AS alerts_revision, (analysis->>'revision')::bigint AS analysed FROM incidents WHERE id = ANY($1)`,
            [incidents],
          );
          for (const row of rows as { id: string; alerts_revision: string; analysed: string | null }[]) {
            const revision = Number(row.alerts_revision);
            // Already on the card when answered.
            if (Number(row.analysed ?? 0) >= revision) continue;
            pending.set(row.id, [...(pending.get(row.id) ?? []), { sentAt, revision }]);
          }
        }),
      );
    }
    await Promise.all(sends);
    const elapsed = (performance.now() - started) / 1000;
    const lastSend = performance.now();
    for (let waited = 0; waited < 15_000 && [...pending.values()].some((list) => list.length > 0); waited += 100) await sleep(100);
    await sleep(1000);
    await queue;

    const { rows } = await database.query(
      `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS backlog, count(*) FILTER (WHERE state = 'completed')::int AS completed,
         count(*) FILTER (WHERE state = 'failed')::int AS failed FROM pgboss.job WHERE name = 'analyze-incident'`,
    );
    const stuck = [...pending.values()].reduce((sum, list) => sum + list.length, 0);
    analysed.sort((a, b) => a - b);
    carded.sort((a, b) => a - b);
    const figures = (list: number[]) => ({
      p50Ms: round(percentile(list, 50)),
      p99Ms: round(percentile(list, 99)),
      maxMs: round(list.at(-1) ?? Number.NaN),
      count: list.length,
    });
    const result = {
      seconds: round(elapsed),
      alertsPerMinute: Math.round((alertsSent / elapsed) * 60),
      groups,
      batches,
      failures,
      analysisOnCard: figures(analysed),
      cardAfterProposal: figures(carded),
      alreadyCurrentWhenAnswered: batches - failures - analysed.length - stuck,
      notCoveredAfterWait: stuck,
      events,
      analysisJobs: rows[0],
      drainSeconds: round((performance.now() - lastSend) / 1000),
    };
    console.log(
      `storm: ${result.alertsPerMinute} alerts/min for ${result.seconds} s (${groups} groups re-sent every ${groupInterval} s, ${batches} batches, ${failures} failed)`,
    );
    console.log(
      `alert-to-card (analysis on the card): p50 ${result.analysisOnCard.p50Ms} ms, p99 ${result.analysisOnCard.p99Ms} ms, max ${result.analysisOnCard.maxMs} ms over ${result.analysisOnCard.count} batches (target p99 < 1,000 ms)`,
    );
    console.log(
      `alert-to-card (after the proposal step): p50 ${result.cardAfterProposal.p50Ms} ms, p99 ${result.cardAfterProposal.p99Ms} ms, max ${result.cardAfterProposal.maxMs} ms`,
    );
    console.log(
      `${result.alreadyCurrentWhenAnswered} batches found the card current when answered; ${stuck} not covered after the wait; analysis backlog at the end: ${rows[0].backlog} jobs (${rows[0].completed} completed, ${rows[0].failed} failed)`,
    );
    console.log(`BENCH card-latency ${JSON.stringify(result)}`);
    await subscriber.quit();
  } finally {
    agent.destroy();
    await database.end();
    await bot.stop();
    redis.disconnect();
  }
}

await main();
