import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { registerDiscordRoutes } from '../../../adapters/discord/register-discord-routes.ts';
import { discordCustomId } from '../../../adapters/discord/render-discord-card.ts';
import { discordPublicKey } from '../../../adapters/discord/verify-discord-signature.ts';
import { registerSlackRoutes } from '../../../adapters/slack/register-slack-routes.ts';
import { slackActions } from '../../../adapters/slack/render-block-kit.ts';
import { signSlackRequest } from '../../../adapters/slack/verify-slack-signature.ts';
import { registerTelegramRoutes } from '../../../adapters/telegram/register-telegram-routes.ts';
import { telegramCallback } from '../../../adapters/telegram/render-telegram-card.ts';
import type { PersonConfig } from '../../../src/config/config-schema.ts';
import { resolvePerson } from '../../../src/approval/resolve-person.ts';
import type { ChatClick, ChatClickOutcome } from '../../../src/chat/handle-chat-click.ts';
import type { PrivateRecipient } from '../../../src/ports/chat-port.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { hashPassword } from '../../../src/domain/password-hash.ts';
import { discordSigner } from '../../support/discord-signer.ts';
import { consoleBrowser, consoleHarness, type ConsoleHarness, sampleCard } from '../webconsole/console-fixtures.ts';

export const proposalId = '00000000-0000-4000-8000-0000000000cc';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** Alice has an account on every surface; nobody else is configured. */
export const contractPeople: PersonConfig[] = [
  {
    id: 'alice',
    name: 'Alice',
    roles: ['sre'],
    accounts: { slack: 'U0ALICE', discord: '53908232506183680', telegram: '1001', web: 'alice' },
    // A cheap hash keeps the suite fast; verification is the production code path.
    password: await hashPassword('contract password', { N: 1024, r: 8, p: 1 }),
  },
];

/** What one click at a surface's door led to: what reached the core, and what the clicker alone was told. */
export interface InboundSurface {
  name: string;
  /** Sends a click the way the platform does (signed, from the card's workspace unless `foreign`). */
  click(person: 'alice' | 'stranger', options?: { foreign?: boolean }): Promise<number>;
  /** The same click with its proof of origin broken (bad signature, wrong secret, another site). */
  forged(): Promise<number>;
  /** Clicks that reached the core, as the core took them. */
  reached: { platform: string; accountId: string; proposalId: string; decision: string; workspace?: string }[];
  /** Waits for the private answer to the latest click (chat) or returns the HTTP answer (web). */
  lastAnswer(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A stand-in for `handleChatClick` + `handleClick` without PostgreSQL (the real ones run in
 * test/integration/chat/*-card-flow.test.ts): a click from another workspace than the card's is refused, an
 * account no configured person claims is refused (the real `resolvePerson`), anything else is a signature.
 */
function standInCore(home: string, reached: InboundSurface['reached']) {
  return async (click: ChatClick): Promise<ChatClickOutcome> => {
    if (click.workspace !== home)
      return { changed: false, answer: 'This card belongs to another workspace; clicks from here change nothing.', code: 'foreign_workspace' };
    const person = resolvePerson(contractPeople, click.platform, click.accountId);
    if (person === undefined)
      return { changed: false, answer: 'Your account is not linked to a configured person; nothing was changed.', code: 'unknown_account' };
    reached.push(click);
    return { changed: true, answer: `Signed as ${person.name}.`, code: 'PENDING' };
  };
}

async function chatDoor(register: (app: FastifyInstance, doors: ReturnType<typeof doorsFor>) => void, home: string) {
  const app = createHttpServer({ bodyLimitBytes: 1024 * 1024, logger: pino({ level: 'silent' }) });
  const doors = doorsFor(home);
  register(app, doors);
  await app.ready();
  return { app, doors };
}

function doorsFor(home: string) {
  const reached: InboundSurface['reached'] = [];
  const answers: { recipient: PrivateRecipient; text: string }[] = [];
  return {
    reached,
    answers,
    log: pino({ level: 'silent' }),
    clock: { now: () => new Date() },
    handleClick: standInCore(home, reached),
    handleCommand: async () => ({ text: 'help' }),
    answerPrivately: async (recipient: PrivateRecipient, text: string) => {
      answers.push({ recipient, text });
      return { ok: true as const, value: undefined };
    },
    firstDelivery: async () => true,
  };
}

/** Polls until the `count`-th private answer arrived (the doors answer after their acknowledgement). */
async function answerNumber(answers: { text: string }[], count: number): Promise<string> {
  for (let waited = 0; waited < 5000 && answers.length < count; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return answers[count - 1]?.text ?? '(no answer)';
}

export async function slackInbound(): Promise<InboundSurface> {
  const secret = 'contractsigningsecret0123456789';
  const { app, doors } = await chatDoor((target, options) => registerSlackRoutes(target, { ...options, signingSecret: secret }), 'T0HOME');
  const base = fixture('slack-block-actions.json');
  const send = async (user: string, team: string, signWith = secret) => {
    const payload = {
      ...base,
      type: 'block_actions',
      user: { id: user, team_id: team },
      team: { id: team },
      container: { channel_id: 'C0CONTRACT', message_ts: '1700000000.000100' },
      actions: [{ action_id: slackActions.approve, value: proposalId, type: 'button' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const { timestamp, signature } = signSlackRequest(body, signWith, Math.floor(Date.now() / 1000));
    const response = await app.inject({
      method: 'POST',
      url: '/slack/events',
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    });
    return response.statusCode;
  };
  let sent = 0;
  return {
    name: 'slack',
    reached: doors.reached,
    click: (person, options = {}) => {
      sent += 1;
      return send(person === 'alice' ? 'U0ALICE' : 'U0STRANGER', options.foreign ? 'T0OTHER' : 'T0HOME');
    },
    forged: () => send('U0ALICE', 'T0HOME', 'anothersigningsecret0123456789'),
    lastAnswer: () => answerNumber(doors.answers, sent),
    close: () => app.close(),
  };
}

export async function telegramInbound(): Promise<InboundSurface> {
  const secret = 'contract-webhook-secret-0123';
  const { app, doors } = await chatDoor((target, options) => registerTelegramRoutes(target, { ...options, webhookSecret: secret }), '-100777');
  const base = fixture('telegram-callback-query.json') as { callback_query: Record<string, unknown> };
  let updateId = 20_000;
  const send = async (user: number, chat: string, withSecret = secret) => {
    updateId += 1;
    const update = {
      update_id: updateId,
      callback_query: {
        ...base.callback_query,
        id: `cb-${updateId}`,
        from: { id: user, is_bot: false, first_name: 'x' },
        message: { message_id: 1366, chat: { id: Number(chat), type: 'supergroup' }, date: 1, text: 'card' },
        data: telegramCallback.encode('approve', proposalId),
      },
    };
    const response = await app.inject({
      method: 'POST',
      url: '/telegram/webhook',
      payload: JSON.stringify(update),
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': withSecret },
    });
    return response.statusCode;
  };
  let sent = 0;
  return {
    name: 'telegram',
    reached: doors.reached,
    click: (person, options = {}) => {
      sent += 1;
      return send(person === 'alice' ? 1001 : 9999, options.foreign ? '-100888' : '-100777');
    },
    forged: () => send(1001, '-100777', 'wrong-webhook-secret-0000'),
    lastAnswer: () => answerNumber(doors.answers, sent),
    close: () => app.close(),
  };
}

export async function discordInbound(): Promise<InboundSurface> {
  const signer = discordSigner();
  const forger = discordSigner();
  const publicKey = discordPublicKey(signer.publicKeyHex)!;
  const { app, doors } = await chatDoor((target, options) => registerDiscordRoutes(target, { ...options, publicKey }), '290926798626357999');
  const base = fixture('discord-button.json');
  let id = 900_000_000_000_000_000n;
  const send = async (user: string, guild: string, sign = signer) => {
    id += 1n;
    const body = JSON.stringify({
      ...base,
      id: String(id),
      token: `token-${id}`,
      guild_id: guild,
      channel_id: '645027906669510667',
      member: { user: { id: user } },
      message: { id: '1100000000000000001' },
      data: { custom_id: discordCustomId.encode('approve', proposalId), component_type: 2 },
    });
    const response = await app.inject({ method: 'POST', url: '/discord/interactions', payload: body, headers: sign.headers(body) });
    return response.statusCode;
  };
  let sent = 0;
  return {
    name: 'discord',
    reached: doors.reached,
    click: (person, options = {}) => {
      sent += 1;
      return send(person === 'alice' ? '53908232506183680' : '99999999999999999', options.foreign ? '111111111111111111' : '290926798626357999');
    },
    forged: () => send('53908232506183680', '290926798626357999', forger),
    lastAnswer: () => answerNumber(doors.answers, sent),
    close: () => app.close(),
  };
}

/**
 * The web console as a surface: its door is `POST /console/click` with a session, the CSRF token and a
 * same-origin request. A person who is not signed in is its "unknown person"; a request from another site is its
 * "foreign workspace". The stand-in core behind it is the console harness's recorder.
 */
export async function webInbound(): Promise<InboundSurface & { harness: ConsoleHarness }> {
  const harness = await consoleHarness({ people: contractPeople, demoMode: false, cards: () => [sampleCard({}, { id: proposalId })] });
  const reached: InboundSurface['reached'] = harness.clicks;
  let last = '';
  const signedIn = consoleBrowser(harness);
  await signedIn.get('/console/session');
  if ((await signedIn.signIn('alice', 'contract password')).statusCode !== 200) throw new Error('alice could not sign in');
  const stranger = consoleBrowser(harness);
  await stranger.get('/console/session');
  // Someone no configured person is: the console never gives them a session.
  if ((await stranger.signIn('mallory', 'guess')).statusCode !== 401) throw new Error('a stranger signed in');
  return {
    name: 'web',
    harness,
    reached,
    click: async (person, options = {}) => {
      const browser = person === 'alice' ? signedIn : stranger;
      const response = await browser.post('/console/click', { proposalId, decision: 'approve' }, options.foreign ? { origin: 'https://evil.example' } : {});
      last = String(response.json().message ?? response.json().error?.message ?? '');
      return response.statusCode;
    },
    forged: async () => (await signedIn.post('/console/click', { proposalId, decision: 'approve' }, { 'x-csrf-token': 'forged' })).statusCode,
    lastAnswer: async () => last,
    close: () => harness.close(),
  };
}
