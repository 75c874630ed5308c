import { afterEach, describe, expect, it } from 'vitest';
import { slackActions } from '../../../adapters/slack/render-block-kit.ts';
import { SlackPager } from '../../../adapters/slack/slack-pager.ts';
import { TelegramPager } from '../../../adapters/telegram/telegram-pager.ts';
import type { PageRequest } from '../../../src/ports/pager-port.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../support/fake-slack-api.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../../support/fake-telegram-api.ts';

const escalationId = '00000000-0000-4000-8000-0000000000bb';
const request = (address: string): PageRequest => ({
  pageId: '00000000-0000-4000-8000-0000000000aa',
  escalationId,
  dedupKey: `awoooi-${escalationId}`,
  incidentId: '00000000-0000-4000-8000-0000000000cc',
  incidentNumber: 42,
  title: 'checkout <b>down</b> @channel',
  severity: 'critical',
  summary: '#42 checkout <b>down</b> @channel (critical); escalation default, step 1',
  address,
  personName: 'Alice',
  ackHint: 'ACK 42',
});
const options = { signal: AbortSignal.timeout(5_000) };

describe('direct-message pagers [fake Slack and Telegram APIs, simulated]', () => {
  let slack: FakeSlackApi | undefined;
  let telegram: FakeTelegramApi | undefined;
  afterEach(async () => {
    await slack?.close();
    await telegram?.close();
  });

  it('Slack: a DM to the user id with an Acknowledge button carrying the escalation id; alert text escaped', async () => {
    slack = await startFakeSlackApi({ token: 'xoxb-test-token', team: 'T111' });
    const result = await new SlackPager({ botToken: 'xoxb-test-token', apiUrl: slack.url }).page(request('U0ALICE'), options);
    expect(result.ok).toBe(true);
    const post = slack.calls.find((call) => call.method === 'chat.postMessage');
    expect(post?.fields.channel).toBe('U0ALICE');
    const blocks = JSON.stringify(post?.fields.blocks);
    expect(blocks).toContain(`"action_id":"${slackActions.acknowledge}"`);
    expect(blocks).toContain(`"value":"${escalationId}"`);
    expect(blocks).not.toContain('<b>');
  });

  it('Telegram: a message to the private chat with a k: Acknowledge button; alert text escaped', async () => {
    const token = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789';
    telegram = await startFakeTelegramApi({ token });
    const result = await new TelegramPager({ botToken: token, apiUrl: telegram.url }).page(request('1111111'), options);
    expect(result.ok).toBe(true);
    const sent = [...telegram.cards.values(), ...telegram.plain][0];
    expect(sent?.chatId).toBe('1111111');
    expect(sent?.text).toContain('&lt;b&gt;down&lt;/b&gt;');
    expect(sent?.keyboard).toEqual([[{ text: '✋ Acknowledge', callback_data: `k:${escalationId}` }]]);
  });

  it('a refused chat is final, a 429 retryable with the wait the platform asked for', async () => {
    slack = await startFakeSlackApi({ token: 'xoxb-test-token', team: 'T111' });
    slack.rateLimitNext('chat.postMessage', 1, 7);
    const limited = await new SlackPager({ botToken: 'xoxb-test-token', apiUrl: slack.url }).page(request('U0ALICE'), options);
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true, retryAfterMilliseconds: 7000 } });
    const refused = await new SlackPager({ botToken: 'xoxb-wrong-token', apiUrl: slack.url }).page(request('U0ALICE'), options);
    expect(refused).toMatchObject({ ok: false, error: { retryable: false } });
  });
});
