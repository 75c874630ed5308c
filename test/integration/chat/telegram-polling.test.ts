import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as eventuallyWithin, startTestBot, type TestBot } from '../../support/start-test-bot.ts';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../support/fake-telegram-api.ts';

// Whole-suite runs share two cores: every wait here gets room, none is a timing assertion.
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 25_000);

const botToken = '123456789:AAF-test-token-for-the-fake-telegram';
const chatId = '-1001234567890';

/**
 * Telegram without a webhook (no public address): the bot long-polls a fake Bot API (SIMULATED Telegram) and
 * takes the same clicks through the same door; an update seen twice changes nothing.
 */
describe('Telegram by long polling [fake Telegram, sandbox cluster, simulated]', { timeout: 90_000 }, () => {
  let telegram: FakeTelegramApi;
  let test: TestBot;
  beforeAll(async () => {
    telegram = await startFakeTelegramApi({ token: botToken });
    test = await startTestBot({
      approvals: { people: [{ id: 'alice', name: 'Alice', roles: ['sre'], accounts: { telegram: '1001' } }] },
      telegram: { botToken, chatId, apiUrl: telegram.url },
    } as Parameters<typeof startTestBot>[0]);
  });
  afterAll(async () => {
    await test?.close();
    await telegram?.close();
  });

  it('polls updates, turns a click into a signature once, and answers the clicker', async () => {
    const alert = await readFile(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
    expect(
      (await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert })).status,
    ).toBe(200);
    const card = await eventually(async () => [...telegram.cards.values()].find((message) => message.keyboard.length > 0));
    const data = card.keyboard.flat().find((button) => button.callback_data?.startsWith('a:'))?.callback_data;
    expect(telegram.calls.some((call) => call.method === 'deleteWebhook')).toBe(true);
    const update = {
      update_id: 7001,
      callback_query: {
        id: 'cb-poll-1',
        from: { id: 1001, is_bot: false, first_name: 'Alice' },
        message: { message_id: card.messageId, chat: { id: Number(chatId), type: 'supergroup' }, date: 1 },
        data,
      },
    };
    telegram.queueUpdate(update);
    const answer = await eventually(async () => telegram.callbackAnswers.find((entry) => entry.id === 'cb-poll-1'));
    expect(answer.text).toContain('Signed');
    telegram.queueUpdate({ ...update, callback_query: { ...update.callback_query, id: 'cb-poll-again' } });
    await eventually(async () =>
      telegram.calls.filter((call) => call.method === 'getUpdates' && Number(call.body['offset']) > 7001).length > 1 ? true : undefined,
    );
    const signatures = await sql<{ n: number }>`SELECT count(*)::int AS n FROM signatures`.execute(test.database.handle.db);
    expect(signatures.rows[0]?.n).toBe(1);
    expect(telegram.callbackAnswers.find((entry) => entry.id === 'cb-poll-again')).toBeUndefined();
    await eventually(async () => ([...telegram.cards.values()][0]?.text.includes('approved by Alice') ? true : undefined));
  });
});
