import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordRegisterCommand } from '../../../src/cli/discord-register-command.ts';
import { discordSigner } from '../../support/discord-signer.ts';
import { startFakeDiscordApi, type FakeDiscordApi, type FakeDiscordMessage } from '../../support/fake-discord-api.ts';
import { eventually as eventuallyWithin, startTestBot, type TestBot } from '../../support/start-test-bot.ts';

// Whole-suite runs share two cores: every wait here gets room, none is a timing assertion.
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 25_000);

const botToken = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gfake1.this-is-a-fake-discord-bot-token-0123456789';
const applicationId = '1098765432109876543';
const channelId = '645027906669510667';
const guildId = '290926798626357999';

const people = [
  // A bare user id means that user in the card's guild; a guild-qualified one names the guild too.
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { discord: '53908232506183680' } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { discord: `${guildId}:53908232506183681` } },
];

/**
 * Discord end to end against the real PostgreSQL and a local fake Discord API (SIMULATED Discord) on the sandbox
 * cluster (simulated): the bot starts while Discord is down and says so in /readyz; an Alertmanager payload gives
 * exactly one card message once Discord is back; signed button clicks by two people execute the proposal, the card
 * is edited in place through a 429 with retry_after and ends showing the outcome; strangers, another guild and a
 * replayed click change nothing and get ephemeral answers; PING is answered only when signed; `/awoooi` answers.
 */
describe('Discord card flow [fake Discord, sandbox cluster, simulated]', { timeout: 90_000 }, () => {
  let discord: FakeDiscordApi;
  let test: TestBot;
  const signer = discordSigner();
  let fixture: Record<string, unknown>;
  let interactionId = 800_000_000_000_000_000n;

  const cards = () => [...discord.cards.values()];
  const theCard = () => {
    expect(cards()).toHaveLength(1);
    return cards()[0] as FakeDiscordMessage;
  };
  const buttonId = (card: FakeDiscordMessage, verb: 'a' | 'r') =>
    card.components.flatMap((row) => row.components).find((button) => button.custom_id?.startsWith(`awoooi:${verb}:`))?.custom_id;
  const count = async (query: string) => Number((await sql.raw<{ n: number }>(query).execute(test.database.handle.db)).rows[0]?.n ?? 0);
  const post = (text: string, headers: Record<string, string>) => fetch(`${test.bot.url}/discord/interactions`, { method: 'POST', headers, body: text });
  const signed = async (body: unknown) => {
    const text = JSON.stringify(body);
    const headers = signer.headers(text);
    return { response: await post(text, headers), text, headers };
  };
  const click = (user: string, customId: string, options: { guild?: string } = {}) => {
    interactionId += 1n;
    return {
      ...fixture,
      id: String(interactionId),
      token: `click-token-${interactionId}`,
      application_id: applicationId,
      guild_id: options.guild ?? guildId,
      channel_id: channelId,
      member: { user: { id: user, username: `user ${user}` }, roles: [] },
      message: { id: theCard().id, channel_id: channelId },
      data: { custom_id: customId, component_type: 2 },
    };
  };
  const answersFor = async (tokens: string[]) =>
    eventually(async () => {
      const found = tokens.map((token) => discord.interactionAnswers.find((answer) => answer.token === token));
      return found.every((answer) => answer !== undefined) ? found.map((answer) => answer!) : undefined;
    });

  beforeAll(async () => {
    discord = await startFakeDiscordApi({ token: botToken, applicationId, channelId, guildId });
    discord.setDown(true);
    fixture = JSON.parse(await readFile(new URL('../../fixtures/discord-button.json', import.meta.url), 'utf8'));
    test = await startTestBot({
      approvals: { people, riskOverrides: { restart_deployment: 'HIGH' } },
      discord: { publicKey: signer.publicKeyHex, applicationId, botToken, channelId, apiUrl: discord.url },
    } as Parameters<typeof startTestBot>[0]);
  });
  afterAll(async () => {
    await test?.close();
    await discord?.close();
  });

  it('serves while Discord is down, says so in /readyz, then posts exactly one card with buttons', async () => {
    const alert = await readFile(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
    const ingest = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert });
    expect(ingest.status).toBe(200);
    const ready = await eventually(async () => {
      const answer = (await (await fetch(`${test.bot.url}/readyz`)).json()) as { status: string; details?: { discord?: string } };
      return answer.details?.discord?.startsWith('unreachable') ? answer : undefined;
    });
    expect(ready.status).toBe('ready');
    expect(JSON.stringify(ready)).not.toContain(botToken);

    discord.setDown(false);
    const approve = await eventually(async () => (cards().length === 1 ? buttonId(theCard(), 'a') : undefined));
    expect(approve.length).toBeLessThanOrEqual(100);
    expect(theCard().channelId).toBe(channelId);
    expect(theCard().embeds[0]?.title).toMatch(/^#\d+ /);
    expect(discord.violations).toEqual([]);
    const posts = discord.calls.filter((call) => call.route === `POST /channels/${channelId}/messages` && call.status === 200);
    expect(posts.every((call) => JSON.stringify(call.body['allowed_mentions']) === '{"parse":[]}')).toBe(true);
  });

  it('answers PING only when signed, and refuses a tampered or stale request with 401', async () => {
    const ping = JSON.stringify({ id: '787053080478613555', token: 'ping-token', type: 1, version: 1 });
    expect((await post(ping, { 'content-type': 'application/json' })).status).toBe(401);
    const headers = signer.headers(ping);
    expect((await post(ping.replace('"type":1', '"type":3'), headers)).status).toBe(401);
    expect((await post(ping, signer.headers(ping, new Date(Date.now() - 10 * 60_000)))).status).toBe(401);
    const pong = await post(ping, headers);
    expect(pong.status).toBe(200);
    expect(await pong.json()).toEqual({ type: 1 });
  });

  it('turns a signed click into a signature: deferred update at once, ephemeral answer, the same message edited, a reply', async () => {
    const messageId = theCard().id;
    const alice = click('53908232506183680', buttonId(theCard(), 'a')!);
    const { response } = await signed(alice);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: 6 });
    const [answer] = await answersFor([alice.token]);
    expect(answer?.kind).toBe('followup');
    // Ephemeral (64), and no link previews (4).
    expect(answer?.flags).toBe(68);
    expect(answer?.content).toContain('Signed');
    await eventually(async () => (JSON.stringify(theCard().embeds).includes('approved by Alice') ? true : undefined));
    expect(theCard().id).toBe(messageId);
    await eventually(async () => (discord.replies.some((reply) => reply.replyTo === messageId && reply.content.includes('Alice')) ? true : undefined));
  });

  it('changes nothing for a stranger, another guild or a replayed click; the second signature executes through a 429', async () => {
    const approve = buttonId(theCard(), 'a')!;
    const signatures = await count('SELECT count(*)::int AS n FROM signatures');
    const stranger = click('99999999999999999', approve);
    const foreign = click('53908232506183681', approve, { guild: '111111111111111111' });
    const strangerPost = await signed(stranger);
    const foreignPost = await signed(foreign);
    expect([strangerPost.response.status, foreignPost.response.status]).toEqual([200, 200]);
    const [strangerAnswer, foreignAnswer] = await answersFor([stranger.token, foreign.token]);
    expect(strangerAnswer?.content).toContain('not linked');
    expect((strangerAnswer?.flags ?? 0) & 64).toBe(64);
    expect(foreignAnswer?.content).toContain('another workspace');
    expect(await count('SELECT count(*)::int AS n FROM signatures')).toBe(signatures);

    // The edit after Bob's signature meets a 429 first; the update waits as told and is not lost.
    discord.rateLimitNext('PATCH /channels/', 1, 1.25);
    const bob = click('53908232506183681', approve);
    const bobPost = await signed(bob);
    expect(bobPost.response.status).toBe(200);
    const [bobAnswer] = await answersFor([bob.token]);
    expect(bobAnswer?.content).toMatch(/Signed|approved/);
    // The very same signed bytes again: acknowledged, but no second signature and no second answer.
    expect((await post(bobPost.text, bobPost.headers)).status).toBe(200);

    const messageId = theCard().id;
    await eventually(async () => (JSON.stringify(theCard().embeds).includes('SUCCEEDED') ? true : undefined));
    expect(cards()).toHaveLength(1);
    expect(theCard().id).toBe(messageId);
    expect(buttonId(theCard(), 'a')).toBeUndefined();
    expect(await count('SELECT count(*)::int AS n FROM signatures')).toBe(signatures + 1);
    expect(discord.interactionAnswers.filter((answer) => answer.token === bob.token)).toHaveLength(1);
    const edits = discord.calls.filter((call) => call.route.startsWith('PATCH /channels/'));
    expect(edits.some((call) => call.status === 429)).toBe(true);
    expect(edits.every((call) => call.route.endsWith(`/messages/${messageId}`))).toBe(true);
    expect(discord.violations).toEqual([]);
  });

  it('answers /awoooi diagnose and status ephemerally through the deferred reply', async () => {
    const services = await sql<{ services: string[] }>`SELECT services FROM incidents`.execute(test.database.handle.db);
    const command = JSON.parse(await readFile(new URL('../../fixtures/discord-application-command.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const diagnose = {
      ...command,
      token: 'command-token-diagnose',
      channel_id: channelId,
      guild_id: guildId,
      data: {
        type: 1,
        name: 'awoooi',
        id: '771825006014889984',
        options: [{ type: 1, name: 'diagnose', options: [{ type: 3, name: 'service', value: services.rows[0]?.services[0] }] }],
      },
    };
    const { response } = await signed(diagnose);
    expect(await response.json()).toEqual({ type: 5, data: { flags: 64 } });
    const [answer] = await answersFor(['command-token-diagnose']);
    expect(answer?.kind).toBe('original');
    expect(answer?.content).toContain('Open incident #');

    const status = { ...diagnose, token: 'command-token-status', data: { type: 1, name: 'awoooi', options: [{ type: 1, name: 'status' }] } };
    await signed(status);
    const [statusAnswer] = await answersFor(['command-token-status']);
    expect(statusAnswer?.content).toContain('Open incidents');
  });

  it('registers /awoooi with its subcommands (awoooi discord register-commands)', async () => {
    const output: string[] = [];
    const sink = { write: (text: string) => output.push(text) } as unknown as NodeJS.WritableStream;
    expect(await discordRegisterCommand(test.config, sink, sink)).toBe(0);
    const [awoooi] = discord.commands as { name: string; options: { name: string }[] }[];
    expect(awoooi?.name).toBe('awoooi');
    expect(awoooi?.options.map((option) => option.name)).toEqual(['diagnose', 'status', 'approve', 'reject', 'oncall', 'help']);
    expect(output.join('')).toContain('registered /awoooi');
  });
});
