import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as eventuallyWithin, startTestBot, type TestBot } from '../../support/start-test-bot.ts';
import { startFakeTelegramApi, type FakeTelegramApi, type FakeTelegramMessage } from '../../support/fake-telegram-api.ts';

// Whole-suite runs share two cores: every wait here gets room, none is a timing assertion.
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 25_000);

const botToken = '123456789:AAF-test-token-for-the-fake-telegram';
const webhookSecret = 'telegram-webhook-secret-0123';
const chatId = '-1001234567890';

const people = [
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { telegram: '1001' } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { telegram: '1002' } },
];

/**
 * Telegram end to end against the real PostgreSQL and a local fake Bot API (SIMULATED Telegram) on the sandbox
 * cluster (simulated): one card message for an alert, callback clicks become signatures and edit the same message,
 * replays (same update_id), strangers and other chats change nothing and get an alert, a 429 with
 * `parameters.retry_after` is waited out, and `/awoooi diagnose` answers.
 */
describe('Telegram card flow [fake Telegram, sandbox cluster, simulated]', { timeout: 90_000 }, () => {
  let telegram: FakeTelegramApi;
  let test: TestBot;
  let fixture: { update_id: number; callback_query: Record<string, unknown> };
  let updateId = 50_000;

  const cards = () => [...telegram.cards.values()];
  const theCard = () => {
    expect(cards()).toHaveLength(1);
    return cards()[0] as FakeTelegramMessage;
  };
  const approveData = (card: FakeTelegramMessage) => card.keyboard.flat().find((button) => button.callback_data?.startsWith('a:'))?.callback_data;
  const count = async (query: string) => Number((await sql.raw<{ n: number }>(query).execute(test.database.handle.db)).rows[0]?.n ?? 0);
  const post = (body: unknown, secret = webhookSecret) =>
    fetch(`${test.bot.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(body),
    });
  const click = (user: number, data: string, options: { chat?: string; id?: number } = {}) => {
    updateId += 1;
    return {
      update_id: options.id ?? updateId,
      callback_query: {
        ...fixture.callback_query,
        id: `cb-${updateId}`,
        from: { id: user, is_bot: false, first_name: `user ${user}` },
        message: { message_id: theCard().messageId, chat: { id: Number(options.chat ?? chatId), type: 'supergroup' }, date: 1, text: 'card' },
        data,
      },
    };
  };
  const answersFor = async (updates: { callback_query: { id: string } }[]) =>
    eventually(async () => {
      const found = updates.map((update) => telegram.callbackAnswers.find((answer) => answer.id === update.callback_query.id));
      return found.every((answer) => answer !== undefined) ? found.map((answer) => answer!) : undefined;
    });

  beforeAll(async () => {
    telegram = await startFakeTelegramApi({ token: botToken });
    fixture = JSON.parse(await readFile(new URL('../../fixtures/telegram-callback-query.json', import.meta.url), 'utf8'));
    test = await startTestBot({
      approvals: { people, riskOverrides: { restart_deployment: 'HIGH' } },
      telegram: { botToken, webhookSecret, chatId, apiUrl: telegram.url },
    } as Parameters<typeof startTestBot>[0]);
  });
  afterAll(async () => {
    await test?.close();
    await telegram?.close();
  });

  it('posts one HTML card with buttons and turns a callback click into a signature on the same message', async () => {
    const alert = await readFile(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
    expect(
      (await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert })).status,
    ).toBe(200);
    const data = await eventually(async () => (cards().length === 1 ? approveData(theCard()) : undefined));
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(theCard().chatId).toBe(chatId);
    await eventually(async () => (telegram.commands.includes('awoooi') ? true : undefined));
    const messageId = theCard().messageId;

    const update = click(1001, data);
    expect((await post(update)).status).toBe(200);
    const [answer] = await answersFor([update]);
    expect(answer?.text).toContain('Signed');
    expect(answer?.showAlert).toBe(true);
    await eventually(async () => (theCard().text.includes('approved by Alice') ? true : undefined));
    expect(theCard().messageId).toBe(messageId);
    await eventually(async () =>
      telegram.replies.some((reply) => reply.replyTo === messageId && reply.text.includes('Alice (sre) approved')) ? true : undefined,
    );
  });

  it('changes nothing for a replayed update, a stranger or another chat, and refuses a wrong secret', async () => {
    const data = approveData(theCard())!;
    const signatures = await count('SELECT count(*)::int AS n FROM signatures');
    // The edit after Bob's signature meets a 429 first (see the next test).
    telegram.rateLimitNext('editMessageText', 1, 1);
    const replayed = click(1002, data);
    expect((await post(replayed)).status).toBe(200);
    expect((await post({ ...replayed, callback_query: { ...replayed.callback_query, id: 'cb-replay' } })).status).toBe(200);
    const stranger = click(9999, data);
    const otherChat = click(1002, data, { chat: '-100999' });
    expect((await post(stranger)).status).toBe(200);
    expect((await post(otherChat)).status).toBe(200);
    expect((await post(click(1002, data), 'wrong-secret-0000000')).status).toBe(401);

    const [bob, strangerAnswer, otherAnswer] = await answersFor([replayed, stranger, otherChat]);
    expect(bob?.text).toMatch(/Signed|approved/);
    expect(strangerAnswer?.text).toContain('not linked');
    // On Telegram the chat is the channel too: the same message id in another chat is no card of ours.
    expect(otherAnswer?.text).toContain('not an AWOOOI card');
    expect(telegram.callbackAnswers.find((answer) => answer.id === 'cb-replay')).toBeUndefined();
    // Bob's one signature (the replay and the others added none); his approval completes the HIGH quorum.
    expect(await count('SELECT count(*)::int AS n FROM signatures')).toBe(signatures + 1);
  });

  it('waits out a 429 with retry_after and ends showing the outcome on the same message', async () => {
    const { messageId } = theCard();
    await eventually(async () => (theCard().text.includes('SUCCEEDED') ? true : undefined));
    expect(cards()).toHaveLength(1);
    expect(theCard().messageId).toBe(messageId);
    expect(approveData(theCard())).toBeUndefined();
    const edits = telegram.calls.filter((call) => call.method === 'editMessageText');
    expect(edits.some((call) => call.status === 429)).toBe(true);
    expect(edits.every((call) => call.body['message_id'] === messageId)).toBe(true);
  });

  it('answers /awoooi diagnose in the chat, escaped', async () => {
    const services = await sql<{ services: string[] }>`SELECT services FROM incidents`.execute(test.database.handle.db);
    updateId += 1;
    const command = {
      update_id: updateId,
      message: {
        message_id: 7,
        date: 1,
        chat: { id: Number(chatId), type: 'supergroup' },
        from: { id: 1001, is_bot: false, first_name: 'A' },
        text: `/awoooi@awoooi_bot diagnose ${services.rows[0]?.services[0]}`,
      },
    };
    expect((await post(command)).status).toBe(200);
    expect((await post(command)).status).toBe(200);
    const answer = await eventually(async () => telegram.plain.find((message) => message.text.includes('Open incident #')));
    expect(answer.chatId).toBe(chatId);
    expect(answer.text).toContain('root cause:');
    expect(telegram.plain.filter((message) => message.text.includes('Open incident #'))).toHaveLength(1);
  });
});
