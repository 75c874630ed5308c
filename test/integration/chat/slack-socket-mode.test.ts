import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackMessage } from '../../support/fake-slack-api.ts';
import { startFakeSlackSocket, type FakeSlackSocket } from '../../support/fake-slack-socket.ts';
import { eventually as eventuallyWithin, startTestBot, type TestBot } from '../../support/start-test-bot.ts';

// Whole-suite runs share two cores: every wait here gets room, none is a timing assertion.
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 25_000);

const team = 'T0SOCKET';
const channel = 'C0SOCKET';
const botToken = 'xoxb-socket-1234-abcdef';
const appToken = 'xapp-1-A0FAKE-1234-abcdef';
const people = [
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { slack: 'U0ALICE' } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { slack: 'U0BOB' } },
];

/**
 * Slack over Socket Mode with @slack/socket-mode against a local fake (SIMULATED Slack): apps.connections.open
 * hands out the WebSocket URL, the fake says `hello`, then delivers envelopes; the bot acknowledges each by its
 * envelope_id and works clicks and commands through the same doors as HTTP. No signing secret is configured: no
 * HTTP route for Slack exists.
 */
describe('Slack Socket Mode [fake Slack, fake Socket Mode server, sandbox cluster, simulated]', { timeout: 90_000 }, () => {
  let slack: FakeSlackApi;
  let socket: FakeSlackSocket;
  let test: TestBot;
  let fixture: Record<string, unknown>;

  const theCard = () => {
    expect(slack.messages.size).toBe(1);
    return [...slack.messages.values()][0] as FakeSlackMessage;
  };
  const approveValue = (message: FakeSlackMessage) =>
    (message.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .find((block) => block.type === 'actions')
      ?.elements?.find((element) => element.action_id === 'awoooi_approve')?.value;
  const click = (user: string, value: string) => ({
    ...fixture,
    user: { id: user, username: user, team_id: team },
    team: { id: team, domain: 'awoooi' },
    container: { type: 'message', message_ts: theCard().ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'cards' },
    actions: [{ action_id: 'awoooi_approve', block_id: `proposal:${value}`, type: 'button', value, action_ts: '1.2' }],
  });
  const signatures = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM signatures`.execute(test.database.handle.db)).rows[0]?.n);

  beforeAll(async () => {
    socket = await startFakeSlackSocket();
    slack = await startFakeSlackApi({ token: botToken, team, socketMode: { appToken, socketUrl: socket.url } });
    fixture = JSON.parse(await readFile(new URL('../../fixtures/slack-block-actions.json', import.meta.url), 'utf8'));
    test = await startTestBot({
      approvals: { people, riskOverrides: { restart_deployment: 'HIGH' } },
      slack: { botToken, appToken, channel, apiUrl: slack.url },
    } as Parameters<typeof startTestBot>[0]);
  });
  afterAll(async () => {
    await test?.close();
    await socket?.close();
    await slack?.close();
  });

  it('connects with the app token, and serves no HTTP route for Slack', async () => {
    await socket.connected();
    expect(slack.calls.some((call) => call.method === 'apps.connections.open' && call.token === appToken)).toBe(true);
    await eventually(async () => {
      const ready = (await (await fetch(`${test.bot.url}/readyz`)).json()) as { details?: { slackSocketMode?: string } };
      return ready.details?.slackSocketMode === 'connected' ? true : undefined;
    });
    expect((await fetch(`${test.bot.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('acknowledges each envelope by its id; two clicks become signatures and run the proposal; a redelivery changes nothing', async () => {
    const alert = await readFile(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
    await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert });
    const value = await eventually(async () => (slack.messages.size === 1 ? approveValue(theCard()) : undefined));

    const alice = socket.deliver('interactive', click('U0ALICE', value));
    await eventually(async () => (socket.acks.some((ack) => ack.envelope_id === alice) ? true : undefined));
    await eventually(async () => (slack.ephemeral.some((answer) => answer.user === 'U0ALICE' && answer.text.includes('Signed')) ? true : undefined));
    expect(await signatures()).toBe(1);

    // Slack redelivers an envelope it thinks was not acknowledged: the same envelope_id changes nothing.
    socket.deliver('interactive', click('U0ALICE', value), alice);
    const bob = socket.deliver('interactive', click('U0BOB', value));
    await eventually(async () =>
      socket.acks.filter((ack) => ack.envelope_id === alice).length === 2 && socket.acks.some((ack) => ack.envelope_id === bob) ? true : undefined,
    );
    await eventually(async () => (JSON.stringify(theCard().blocks).includes('SUCCEEDED') ? true : undefined));
    expect(await signatures()).toBe(2);
    expect(slack.messages.size).toBe(1);
  });

  it('answers /awoooi over the socket: the ack carries the interim answer, the result comes privately', async () => {
    const command = socket.deliver('slash_commands', { command: '/awoooi', text: 'status', team_id: team, channel_id: channel, user_id: 'U0BOB' });
    const ack = await eventually(async () => socket.acks.find((entry) => entry.envelope_id === command));
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    await eventually(async () => (slack.ephemeral.some((answer) => answer.user === 'U0BOB' && answer.text.includes('Open incidents')) ? true : undefined));
  });
});
