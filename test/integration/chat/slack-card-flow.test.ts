import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../../adapters/slack/verify-slack-signature.ts';
import { startBot, type RunningBot } from '../../../src/cli/start-bot.ts';
import { configSchema, type Config } from '../../../src/config/config-schema.ts';
import { eventually as eventuallyWithin } from '../../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackMessage } from '../../support/fake-slack-api.ts';

// Whole-suite runs share two cores: every wait here gets room, none is a timing assertion.
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 25_000);

const team = 'T0AWOOOI';
const channel = 'C0CARDS';
const botToken = 'xoxb-test-1234-abcdef';
const signingSecret = 'slacksigningsecretfortests0123456';

const people = [
  // Workspace-qualified and bare Slack accounts both name a person.
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { slack: `${team}:U0ALICE` } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { slack: 'U0BOB' } },
  { id: 'vic', name: 'Viewer', roles: ['viewer'], accounts: { slack: 'U0VIC' } },
];

type Row = { n: number };

/**
 * Slack end to end against the real PostgreSQL and a local fake Slack Web API (SIMULATED Slack), on the sandbox
 * cluster (simulated): an alert gives exactly one card message; signed clicks become signatures and the card is
 * edited in place; a restarted bot keeps editing the same message; replays, strangers and other workspaces
 * change nothing; a 429 is waited out and the update still arrives.
 */
describe('Slack card flow [fake Slack, sandbox cluster, simulated]', { timeout: 90_000 }, () => {
  let slack: FakeSlackApi;
  let database: TestDatabase;
  let bot: RunningBot;
  let config: Config;
  let fixture: Record<string, unknown>;

  const start = async () => {
    const started = await startBot(config, pino({ level: 'silent' }));
    if (!started.ok) throw new Error(started.errors.join('\n'));
    bot = started.bot;
  };
  const count = async (query: string) => {
    const result = await sql.raw<Row>(query).execute(database.handle.db);
    return Number(result.rows[0]?.n ?? 0);
  };
  const cards = () => [...slack.messages.values()];
  const theCard = () => {
    expect(cards()).toHaveLength(1);
    return cards()[0] as FakeSlackMessage;
  };
  const buttonValue = (message: FakeSlackMessage) => {
    const actions = (message.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((block) => block.type === 'actions');
    return actions?.elements?.find((element) => element.action_id === 'awoooi_approve')?.value;
  };
  const click = (user: string, value: string, options: { team?: string; ts?: string; action?: string } = {}) => {
    const payload = {
      ...fixture,
      user: { id: user, username: user, name: user, team_id: options.team ?? team },
      team: { id: options.team ?? team, domain: 'awoooi' },
      container: { type: 'message', message_ts: options.ts ?? theCard().ts, channel_id: channel, is_ephemeral: false },
      channel: { id: channel, name: 'cards' },
      actions: [{ action_id: options.action ?? 'awoooi_approve', block_id: `proposal:${value}`, type: 'button', value, action_ts: '1.2' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const signed = signSlackRequest(body, signingSecret, Math.floor(Date.now() / 1000));
    return {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': signed.timestamp, 'x-slack-signature': signed.signature },
    };
  };
  const send = (request: { body: string; headers: Record<string, string> }, path = '/slack/interactions') =>
    fetch(`${bot.url}${path}`, { method: 'POST', headers: request.headers, body: request.body });

  beforeAll(async () => {
    slack = await startFakeSlackApi({ token: botToken, team });
    database = await createTestDatabase();
    fixture = JSON.parse(await readFile(new URL('../../fixtures/slack-block-actions.json', import.meta.url), 'utf8'));
    config = configSchema.parse({
      server: { port: 0, logLevel: 'silent' },
      storage: { databaseUrl: database.url },
      approvals: { people, riskOverrides: { restart_deployment: 'HIGH' } },
      slack: { botToken, signingSecret, channel, apiUrl: slack.url },
      oncall: {
        schedules: [
          { id: 'platform', name: 'Platform primary', timeZone: 'UTC', layers: [{ start: '2026-01-05', length: { weeks: 1 }, people: ['alice', 'bob'] }] },
        ],
      },
    });
    await start();
  });
  afterAll(async () => {
    await bot?.close();
    await database?.drop();
    await slack?.close();
  });

  it('posts one card for an alert, and turns a signed click into a signature shown on the same message', async () => {
    const alert = await readFile(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
    const posted = await fetch(`${bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert });
    expect(posted.status).toBe(200);

    const proposalId = await eventually(async () => (cards().length === 1 ? buttonValue(theCard()) : undefined));
    const ts = theCard().ts;
    expect(theCard().channel).toBe(channel);
    expect(JSON.stringify(theCard().blocks)).toContain('KubePodCrashLooping');
    expect(slack.calls.every((call) => call.token === botToken)).toBe(true);

    const answer = await send(click('U0ALICE', proposalId));
    expect(answer.status).toBe(200);
    await eventually(async () => ((await count("SELECT count(*)::int AS n FROM signatures WHERE person_id = 'alice'")) === 1 ? true : undefined));
    await eventually(async () => (JSON.stringify(theCard().blocks).includes('approved by Alice') ? true : undefined));
    expect(theCard().ts).toBe(ts);
    expect(theCard().edits).toBeGreaterThan(0);
    await eventually(async () => (slack.ephemeral.some((entry) => entry.user === 'U0ALICE' && entry.text.includes('Signed')) ? true : undefined));
    await eventually(async () => (slack.replies.some((reply) => reply.threadTs === ts && reply.text.includes('Alice (sre) approved')) ? true : undefined));
    expect(cards()).toHaveLength(1);
  });

  it('changes nothing for a replayed click, a stranger, a viewer or another workspace, and answers them privately', async () => {
    const proposalId = buttonValue(theCard())!;
    const replay = click('U0ALICE', proposalId);
    const signaturesBefore = await count('SELECT count(*)::int AS n FROM signatures');
    const decisions = "SELECT count(*)::int AS n FROM audit_log WHERE kind IN ('signature', 'rejection', 'approved')";
    const decisionsBefore = await count(decisions);
    const ephemeralBefore = slack.ephemeral.length;

    expect((await send(replay)).status).toBe(200);
    expect((await send(replay)).status).toBe(200);
    expect((await send(click('U0NOBODY', proposalId))).status).toBe(200);
    expect((await send(click('U0VIC', proposalId))).status).toBe(200);
    expect((await send(click('U0BOB', proposalId, { team: 'T0OTHER' }))).status).toBe(200);

    const answers = await eventually(async () => (slack.ephemeral.length >= ephemeralBefore + 4 ? slack.ephemeral.slice(ephemeralBefore) : undefined));
    expect(answers.find((entry) => entry.user === 'U0NOBODY')?.text).toContain('not linked');
    expect(answers.find((entry) => entry.user === 'U0VIC')?.text).toContain('your roles: viewer');
    expect(answers.find((entry) => entry.user === 'U0BOB')?.text).toContain('another workspace');
    // The first sending of the replayed request is Alice signing again (already signed); the second is a replay, unanswered.
    expect(answers.filter((entry) => entry.user === 'U0ALICE')).toHaveLength(1);
    expect(answers.find((entry) => entry.user === 'U0ALICE')?.text).toContain('already signed');
    expect(await count('SELECT count(*)::int AS n FROM signatures')).toBe(signaturesBefore);
    expect(await count(decisions)).toBe(decisionsBefore);
    expect(cards()).toHaveLength(1);
  });

  it('refuses unsigned, tampered and stale requests with 401 before parsing anything', async () => {
    const proposalId = buttonValue(theCard())!;
    const good = click('U0BOB', proposalId);
    const tampered = { ...good, body: good.body.replace('U0BOB', 'U0BOX') };
    const stale = { ...good, headers: { ...good.headers, 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000) - 301) } };
    const unsigned = { body: good.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    for (const request of [tampered, stale, unsigned]) expect((await send(request)).status).toBe(401);
    expect(await count("SELECT count(*)::int AS n FROM signatures WHERE person_id = 'bob'")).toBe(0);
  });

  it('answers /awoooi help, diagnose and oncall privately, from the current analysis and the schedules', async () => {
    const command = (text: string, user = 'U0ALICE', from = channel) => {
      const body = new URLSearchParams({
        token: 'legacy',
        team_id: team,
        channel_id: from,
        user_id: user,
        command: '/awoooi',
        text,
        response_url: 'https://hooks.slack.com/commands/x',
        trigger_id: '1.2.3',
      }).toString();
      const signed = signSlackRequest(body, signingSecret, Math.floor(Date.now() / 1000));
      return {
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': signed.timestamp, 'x-slack-signature': signed.signature },
      };
    };
    const services = await sql<{ services: string[] }>`SELECT services FROM incidents`.execute(database.handle.db);
    const service = services.rows[0]?.services[0] ?? 'missing';
    const before = slack.ephemeral.length;
    for (const text of ['help', `diagnose ${service}`, 'diagnose <!channel>', 'diagnose no-such-service', 'status', 'oncall']) {
      const acked = await send(command(text), '/slack/commands');
      expect(acked.status).toBe(200);
      expect(((await acked.json()) as { response_type: string }).response_type).toBe('ephemeral');
    }
    const answers = await eventually(async () => (slack.ephemeral.length >= before + 6 ? slack.ephemeral.slice(before) : undefined));
    const texts = answers.map((answer) => answer.text).join('\n---\n');
    expect(texts).toContain('/awoooi diagnose &lt;service&gt;');
    expect(texts).toContain(`Open incident #`);
    expect(texts).toContain('root cause:');
    expect(texts).toContain('Usage: /awoooi diagnose');
    expect(texts).toContain('No open incident involves no-such-service');
    expect(texts).toMatch(/Open incidents:\n#1 \[warning\] KubePodCrashLooping on \S+ — opened \S+ — restart_deployment PENDING/);
    expect(texts).toMatch(/Platform primary \[platform, UTC\]\n {2}on call: (Alice|Bob) until \w{3} \d\d \w{3}, 09:00 UTC\n {2}next: {4}(Bob|Alice) from/);
    expect(texts).not.toContain('<!channel>');
    expect(answers.every((answer) => answer.user === 'U0ALICE' && answer.channel === channel)).toBe(true);

    // The text fallback to the buttons: the same door, the same refusals.
    const signaturesBefore = await count('SELECT count(*)::int AS n FROM signatures');
    const decisions = [
      command('approve 1', 'U0VIC'),
      command('reject #1', 'U0BOB', 'C0ELSEWHERE'),
      command('approve', 'U0BOB'),
      command('approve 1', 'U0ALICE'),
    ];
    const replayed = decisions[3]!;
    for (const request of [...decisions, replayed]) expect((await send(request, '/slack/commands')).status).toBe(200);
    const decided = await eventually(async () => (slack.ephemeral.length >= before + 11 ? slack.ephemeral.slice(before + 6) : undefined));
    expect(decided.find((entry) => entry.user === 'U0VIC')?.text).toContain('your roles: viewer');
    expect(decided.find((entry) => entry.channel === 'C0ELSEWHERE')?.text).toContain('no card of incident #1 in this channel');
    expect(decided.find((entry) => entry.user === 'U0BOB' && entry.channel === channel)?.text).toContain('Usage: /awoooi approve');
    const alice = decided.filter((entry) => entry.user === 'U0ALICE').map((entry) => entry.text);
    expect(alice).toHaveLength(2);
    expect(alice).toContain('This command was already handled; nothing was changed.');
    expect(alice.some((text) => text.includes('already signed'))).toBe(true);
    expect(await count('SELECT count(*)::int AS n FROM signatures')).toBe(signaturesBefore);
  });

  it('answers the Events API handshake', async () => {
    const body = await readFile(new URL('../../fixtures/slack-url-verification.json', import.meta.url), 'utf8');
    const signed = signSlackRequest(body, signingSecret, Math.floor(Date.now() / 1000));
    const answer = await send(
      { body, headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': signed.timestamp, 'x-slack-signature': signed.signature } },
      '/slack/events',
    );
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ challenge: JSON.parse(body).challenge });
  });

  it('keeps editing the same message after a restart, waiting out a 429, until the card shows the outcome', async () => {
    const { ts } = theCard();
    const proposalId = buttonValue(theCard())!;
    await bot.close();
    await start();

    slack.rateLimitNext('chat.update', 1, 1);
    expect((await send(click('U0BOB', proposalId))).status).toBe(200);
    await eventually(async () => (JSON.stringify(theCard().blocks).includes('SUCCEEDED') ? true : undefined));
    expect(cards()).toHaveLength(1);
    expect(theCard().ts).toBe(ts);
    const updates = slack.calls.filter((call) => call.method === 'chat.update');
    expect(updates.some((call) => call.status === 429)).toBe(true);
    expect(updates.every((call) => call.fields['ts'] === ts)).toBe(true);
    expect(buttonValue(theCard())).toBeUndefined();
    await eventually(async () => (slack.replies.some((reply) => reply.threadTs === ts && reply.text.includes('SUCCEEDED')) ? true : undefined));
    expect(slack.calls.filter((call) => call.method === 'chat.postMessage' && call.fields['thread_ts'] === undefined)).toHaveLength(1);
  });

  it('opens an incident to diagnose a quiet service for a configured person, whose card comes to the channel; a stranger opens nothing', async () => {
    const command = (text: string, user: string) => {
      const body = new URLSearchParams({ team_id: team, channel_id: channel, user_id: user, command: '/awoooi', text, trigger_id: '1.2.4' }).toString();
      const signed = signSlackRequest(body, signingSecret, Math.floor(Date.now() / 1000));
      return {
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': signed.timestamp, 'x-slack-signature': signed.signature },
      };
    };
    const incidentsBefore = await count('SELECT count(*)::int AS n FROM incidents');
    const before = slack.ephemeral.length;
    expect((await send(command('diagnose storefront', 'U0STRANGER'), '/slack/commands')).status).toBe(200);
    const refused = await eventually(async () => slack.ephemeral.slice(before).find((entry) => entry.user === 'U0STRANGER'));
    expect(refused.text).toContain('Only a configured person');
    expect(await count('SELECT count(*)::int AS n FROM incidents')).toBe(incidentsBefore);

    expect((await send(command('diagnose storefront', 'U0ALICE'), '/slack/commands')).status).toBe(200);
    const answer = await eventually(async () => slack.ephemeral.slice(before).find((entry) => entry.user === 'U0ALICE'));
    expect(answer.text).toContain('Opened an incident to diagnose storefront');
    const card = await eventually(async () => cards().find((message) => message.text.includes('DiagnosisRequested')));
    expect(card.channel).toBe(channel);
    expect(await count("SELECT count(*)::int AS n FROM alerts WHERE name = 'DiagnosisRequested' AND labels->>'requested_by' = 'alice'")).toBe(1);
  });
});
