import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { configSchema } from '../config/config-schema.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackMessage } from '../../adapters/slack/simulated-slack-api.ts';
import { signSlackRequest } from '../../adapters/slack/verify-slack-signature.ts';
import { startBot, type RunningBot } from './start-bot.ts';
import { waitFor } from './wait-for.ts';

const fixture = new URL('../../adapters/sandbox/demo-alert.json', import.meta.url);
const team = 'T0DEMO';
const channel = 'C0DEMO';
const botToken = 'xoxb-demo-0000-simulated';
const signingSecret = 'demosigningsecret0123456789abcdef';
const people = [
  { id: 'alice', name: 'Alice', roles: ['sre' as const], accounts: { slack: `${team}:U0ALICE` } },
  { id: 'bob', name: 'Bob', roles: ['devops' as const], accounts: { slack: `${team}:U0BOB` } },
];

type Record = (name: string, ok: boolean, detail: string) => boolean;

/**
 * `awoooi demo --slack`: the tracer bullet through chat, with no Slack account. A SIMULATED Slack Web API runs on
 * this machine; the bot (embedded PGlite, sandbox cluster) posts the card there, two people click Approve as Slack
 * would send it (signed block_actions), the restart runs, and the card is edited in place to show it; a second
 * round changes the cluster between the signatures and the card ends VOIDED. Exit code 1 if any step failed.
 */
export async function demoSlackCommand(output: NodeJS.WritableStream): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'awoooi-demo-slack-'));
  const slack = await startFakeSlackApi({ token: botToken, team });
  const cluster = SandboxCluster.withDemoData();
  const config = configSchema.parse({
    server: { port: 0 },
    storage: { dataDir },
    approvals: { people, riskOverrides: { restart_deployment: 'HIGH' } },
    slack: { botToken, signingSecret, channel, apiUrl: slack.url },
  });
  let failures = 0;
  let passes = 0;
  const record: Record = (name, ok, detail) => {
    if (ok) passes++;
    else failures++;
    output.write(`${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(20)} ${detail}\n`);
    return ok;
  };
  output.write(`AWOOOI demo through Slack — a SIMULATED Slack Web API at ${slack.url}, embedded PGlite, ${cluster.description}\n\n`);
  const started = await startBot(config, pino({ level: 'silent' }), { cluster });
  if (!started.ok) {
    output.write(`FAIL  start                ${started.errors.join('; ')}\n`);
    await slack.close();
    return 1;
  }
  const bot = started.bot;
  try {
    output.write('Round 1: crash-looping payments/api, approved by two clicks in Slack, executed\n');
    const first = await round(
      bot,
      slack,
      record,
      { namespace: 'payments', pod: 'api-7d9f-x2k', container: 'api', fingerprint: 'de0000000000b001' },
      'SUCCEEDED',
    );
    output.write('\nRound 2: crash-looping shop/cart; someone scales it by hand between the clicks\n');
    await round(bot, slack, record, { namespace: 'shop', pod: 'cart-5c7f9-q8z2d', container: 'cart', fingerprint: 'de0000000000b002' }, 'VOIDED', () =>
      cluster.mutate('Deployment', 'shop', 'cart', { replicas: 3 }),
    );
    const cards = [...slack.messages.values()];
    record('one_message_each', cards.length === 2, `${cards.length} card messages for 2 incidents; ${slack.replies.length} timeline replies in their threads`);
    if (first !== undefined) output.write(`\nThe card of round 1 as Slack received it (notification text):\n\n${first.text}\n`);
  } catch (error) {
    record('demo', false, `unexpected error: ${(error as Error).message}`);
  } finally {
    await bot.close();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  output.write(`\nSummary: ${passes} passed, ${failures} failed\n`);
  return failures === 0 ? 0 : 1;
}

async function round(
  bot: RunningBot,
  slack: FakeSlackApi,
  record: Record,
  alert: { namespace: string; pod: string; container: string; fingerprint: string },
  expected: 'SUCCEEDED' | 'VOIDED',
  betweenClicks?: () => void,
): Promise<FakeSlackMessage | undefined> {
  const before = new Set(slack.messages.keys());
  const payload = JSON.parse(await readFile(fixture, 'utf8'));
  payload.groupKey = `demo-slack:${alert.fingerprint}`;
  Object.assign(payload.alerts[0], { fingerprint: alert.fingerprint, startsAt: new Date().toISOString() });
  Object.assign(payload.alerts[0].labels, { namespace: alert.namespace, pod: alert.pod, container: alert.container });
  const response = await fetch(`${bot.url}/api/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  if (!record('trigger_alert', response.status === 200, `POST /api/v1/alerts/alertmanager → ${response.status}`)) return undefined;

  const approveValue = (message: FakeSlackMessage) =>
    (message.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .find((block) => block.type === 'actions')
      ?.elements?.find((element) => element.action_id === 'awoooi_approve')?.value;
  const card = await waitFor(async () => [...slack.messages.values()].find((message) => !before.has(message.ts) && approveValue(message) !== undefined));
  if (card === undefined) {
    record('card_posted', false, 'no card with buttons in time');
    return undefined;
  }
  record('card_posted', true, `message ts ${card.ts} in ${card.channel} with Approve / Reject`);
  const proposalId = approveValue(card)!;

  for (const [index, user] of ['U0ALICE', 'U0BOB'].entries()) {
    const body = `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: user, team_id: team },
        team: { id: team },
        container: { type: 'message', message_ts: card.ts, channel_id: channel },
        channel: { id: channel },
        actions: [{ action_id: 'awoooi_approve', value: proposalId, type: 'button' }],
      }),
    )}`;
    const signed = signSlackRequest(body, signingSecret, Math.floor(Date.now() / 1000));
    const clicked = await fetch(`${bot.url}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': signed.timestamp, 'x-slack-signature': signed.signature },
      body,
    });
    const answer = await waitFor(async () => slack.ephemeral.find((entry) => entry.user === user));
    record(
      `slack_click_${index + 1}`,
      clicked.status === 200 && answer !== undefined,
      `${user} clicked Approve → ${clicked.status}; privately: ${answer?.text ?? 'no answer'}`,
    );
    slack.ephemeral.splice(0);
    if (index === 0) betweenClicks?.();
  }
  const outcome = await waitFor(async () =>
    JSON.stringify(slack.messages.get(card.ts)?.blocks ?? []).includes(`\`${expected}\``) ? slack.messages.get(card.ts) : undefined,
  );
  record(
    expected === 'VOIDED' ? 'card_shows_voided' : 'card_shows_executed',
    outcome !== undefined,
    outcome
      ? `the same message (ts ${outcome.ts}) now shows ${expected}, edited ${outcome.edits} times (sandbox cluster, simulated)`
      : `the card did not show ${expected} in time`,
  );
  return outcome;
}
