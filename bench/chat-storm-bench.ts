// Chat cards under an alert storm (issue 7): the bot, as its own process, posts to a local fake Slack that
// enforces Slack's published limits (1 message/s per channel, thread replies included; 50 chat.update a minute)
// and answers 429 with Retry-After beyond them. The storm is the storm shape of issue 6 (300 services), at
// 10,000 alerts a minute. Figures: incidents vs card messages, 429s the bot met, incidents whose card is missing or
// behind after the drain (updates dropped), incident-to-card latency (incident row created → card posted at the
// fake, both clocks of this machine) p50/p99, the bot's RSS. Not a test: it prints figures.
// The storm shape's services are all connected, so it makes few incidents; beside it, BENCH_LONE_INCIDENTS alerts
// on services of no topology, each in an Alertmanager group of its own, open as many separate incidents (cards).
// Knobs: BENCH_STORM_SECONDS (15), BENCH_DRAIN_SECONDS (35), BENCH_ALERTS_PER_MINUTE (10000), BENCH_LONE_INCIDENTS (25).
// BENCH_LONE_INCIDENTS=8 keeps the cards under Slack's 1 post/s per channel (the goal's "while under the limits").
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startFakeSlackApi } from '../adapters/slack/simulated-slack-api.ts';
import { benchToken, percentile, post, round, startBenchBot } from './bench-bot.ts';
import { StormGroups, stormTopology, topologyFile } from './storm-shape.ts';

const seconds = Number(process.env.BENCH_STORM_SECONDS ?? 15);
const drainSeconds = Number(process.env.BENCH_DRAIN_SECONDS ?? 35);
const loneIncidents = Number(process.env.BENCH_LONE_INCIDENTS ?? 25);
const alertsPerMinute = Number(process.env.BENCH_ALERTS_PER_MINUTE ?? 10_000);
const groupInterval = 12;
const maxAlerts = 100;
const team = 'T0BENCH';
const token = 'xoxb-bench-0000-abcdef';
const channel = 'C0BENCH';

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return round(Number(line?.replace(/\D+/g, '') ?? Number.NaN) / 1024);
}

/** One alert on a service no topology knows, in a group of its own: an incident of its own. */
function loneAlert(index: number): string {
  const alertname = `LoneServiceDown${index}`;
  const labels = { alertname, service: `lone-${index}`, namespace: 'lonely', severity: 'warning' };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    status: 'firing',
    receiver: 'awoooi',
    groupLabels: { alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.bench',
    alerts: [
      { status: 'firing', labels, annotations: { summary: `lone-${index} is down` }, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z' },
    ],
  });
}

async function main() {
  const slack = await startFakeSlackApi({ token, team, enforce: { postsPerSecondPerChannel: 1, updatesPerMinute: 50 } });
  const services = stormTopology(300);
  const bot = await startBenchBot({
    topology: topologyFile(services),
    environment: {
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: 'benchsigningsecret0123456789',
      SLACK_CHANNEL: channel,
      SLACK_API_URL: slack.url,
      LOG_LEVEL: 'warn',
    },
  });
  const database = new pg.Pool({ connectionString: bot.databaseUrl, max: 2 });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const groups = Math.max(1, Math.round(alertsPerMinute / ((60 / groupInterval) * maxAlerts * 0.85)));
    const storm = new StormGroups({ services, groups, seed: 31, maxAlerts });
    for (let group = 0; group < groups; group++) storm.grow(group, 70 + (group % 26));
    const started = performance.now();
    const sends: Promise<void>[] = [];
    let alertsSent = 0;
    let failures = 0;
    const loneEvery = Math.max(1, Math.floor((seconds * 1000) / Math.max(1, loneIncidents)));
    let lone = 0;
    for (let tick = 0; ; tick++) {
      const due = started + (tick * groupInterval * 1000) / groups;
      if (due - started >= seconds * 1000) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      // The first lone incident comes one interval after the storm's own, so that below 1 incident/s (BENCH_LONE_INCIDENTS
      // ≤ 14 in 15 s) no two cards ever compete for the channel's one post a second: "under the limits".
      while (lone < loneIncidents && (lone + 1) * loneEvery <= due - started) {
        alertsSent += 1;
        sends.push(
          post(agent, { port: bot.port, path: '/api/v1/alerts/alertmanager', token: benchToken }, loneAlert(lone++)).then((answer) => {
            if (answer.status !== 200) failures++;
          }),
        );
      }
      const batch = storm.next(tick % groups);
      alertsSent += batch.alerts;
      sends.push(
        post(agent, { port: bot.port, path: '/api/v1/alerts/alertmanager', token: benchToken }, batch.body).then((answer) => {
          if (answer.status !== 200) failures++;
        }),
      );
    }
    await Promise.all(sends);
    const stormSeconds = (performance.now() - started) / 1000;
    const rssAfterStorm = rssMegabytes(bot.pid);

    // Drain: until every incident's card is posted and no card job waits, or the drain time is up.
    const state = async () =>
      (
        await database.query(`
          SELECT (SELECT count(*) FROM incidents)::int AS incidents,
                 (SELECT count(*) FROM chat_messages)::int AS cards,
                 (SELECT count(*) FROM pgboss.job WHERE name = 'publish-chat-card' AND state IN ('created', 'retry', 'active'))::int AS waiting,
                 (SELECT count(*) FROM pgboss.job WHERE name = 'publish-chat-card' AND state = 'failed')::int AS failed,
                 (SELECT count(*) FROM pgboss.job WHERE name = 'publish-chat-card__exhausted')::int AS exhausted`)
      ).rows[0] as { incidents: number; cards: number; waiting: number; failed: number; exhausted: number };
    const drainStarted = performance.now();
    let now = await state();
    while ((performance.now() - drainStarted) / 1000 < drainSeconds && (now.cards < now.incidents || now.waiting > 0)) {
      await sleep(500);
      now = await state();
    }
    const drained = (performance.now() - drainStarted) / 1000;

    const created = (await database.query(`SELECT number::int AS number, extract(epoch FROM created_at) * 1000 AS created FROM incidents`)).rows as {
      number: number;
      created: string;
    }[];
    const posted = new Map<number, number>();
    for (const message of slack.messages.values()) {
      const number = Number(/^#(\d+) /.exec(message.text)?.[1]);
      if (Number.isFinite(number)) posted.set(number, message.postedAt);
    }
    const latencies = created
      .filter((row) => posted.has(row.number))
      .map((row) => posted.get(row.number)! - Number(row.created))
      .sort((a, b) => a - b);
    // What the bot itself adds: from the later of the incident's creation and the moment the channel's 1 post/s
    // allowed the next post (every post counts, thread replies too), to the card's post. Two incidents opening
    // within a second of each other in one channel make the second wait at Slack's pace, whatever the bot does.
    const posts = [...slack.messages.values(), ...slack.replies].map((message) => message.postedAt).sort((a, b) => a - b);
    const channelFreeAt = (at: number) => {
      const previous = posts.filter((time) => time < at).at(-1);
      return previous === undefined ? 0 : previous + 1000;
    };
    const ownLatencies = created
      .filter((row) => posted.has(row.number))
      .map((row) => posted.get(row.number)! - Math.max(Number(row.created), channelFreeAt(posted.get(row.number)!)))
      .sort((a, b) => a - b);
    const calls = slack.calls.filter((call) => call.method.startsWith('chat.'));
    const result = {
      stormSeconds: round(stormSeconds),
      alertsPerMinute: Math.round((alertsSent / stormSeconds) * 60),
      webhookFailures: failures,
      incidents: now.incidents,
      cardMessages: slack.messages.size,
      cardsRecorded: now.cards,
      cardJobsWaitingAtEnd: now.waiting,
      cardJobsFailed: now.failed,
      cardJobsExhausted: now.exhausted,
      chatCalls: calls.length,
      updates: calls.filter((call) => call.method === 'chat.update' && call.status === 200).length,
      threadReplies: slack.replies.length,
      rateLimited429: slack.enforced,
      incidentToCardP50Ms: round(percentile(latencies, 50)),
      incidentToCardP99Ms: round(percentile(latencies, 99)),
      ownLatencyP50Ms: round(percentile(ownLatencies, 50)),
      ownLatencyP99Ms: round(percentile(ownLatencies, 99)),
      drainSeconds: round(drained),
      botRssMegabytes: { afterStorm: rssAfterStorm, atEnd: rssMegabytes(bot.pid) },
    };
    console.log(`storm: ${result.alertsPerMinute} alerts/min for ${result.stormSeconds} s, ${failures} webhook failures; ${result.incidents} incidents`);
    console.log(
      `fake Slack (1 post/s per channel, 50 updates/min, 429 beyond): ${result.cardMessages} card messages for ${result.incidents} incidents, ${result.updates} updates, ${result.threadReplies} thread replies, ${result.rateLimited429} answered 429`,
    );
    console.log(
      `after ${result.drainSeconds} s of drain: ${result.cardJobsWaitingAtEnd} card jobs still waiting, ${result.cardJobsFailed} failed, ${result.cardJobsExhausted} exhausted (dropped)`,
    );
    console.log(`incident-to-card: p50 ${result.incidentToCardP50Ms} ms, p99 ${result.incidentToCardP99Ms} ms over ${latencies.length} cards`);
    console.log(`  of which the bot's own (channel's 1 post/s wait taken out): p50 ${result.ownLatencyP50Ms} ms, p99 ${result.ownLatencyP99Ms} ms`);
    console.log(`bot RSS: ${result.botRssMegabytes.afterStorm} MB after the storm, ${result.botRssMegabytes.atEnd} MB at the end`);
    console.log(`BENCH chat-storm ${JSON.stringify(result)}`);
  } finally {
    agent.destroy();
    await database.end();
    await bot.stop();
    await slack.close();
  }
}

await main();
