import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChat } from '../../../adapters/slack/slack-chat.ts';
import { TelegramChat } from '../../../adapters/telegram/telegram-chat.ts';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import type { ChatPort } from '../../../src/ports/chat-port.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.ts';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../support/fake-telegram-api.ts';

/** Mention, link and markup injections of every platform, as an alert or a model could send them. */
const hostile = [
  '<!channel> <!here> <!everyone> <@U0123ABC> <#C0123> <!subteam^S1>',
  '<http://evil.example/login|https://bank.example> <https://evil.example>',
  '@everyone @here <@&123456789> <@!123456789>',
  '<b>bold</b> <a href="http://evil.example">click</a> <script>x</script> &amp; & "quoted"',
  '*bold* _italic_ ~strike~ `code` [link](http://evil.example) ||spoiler||',
].join(' ');

const card: IncidentCard = {
  incidentId: '00000000-0000-4000-8000-0000000000bb',
  number: 3,
  title: `Title ${hostile}`,
  severity: 'critical',
  status: 'open',
  mergedInto: null,
  absorbed: [],
  services: ['checkout'],
  openedAt: '2026-03-01T03:00:00.000Z',
  analysis: { state: 'done', unmappedAlerts: [], failure: null },
  rootCauses: [{ service: 'checkout', kind: 'service', score: 1, alerting: true, evidence: [hostile] }],
  blastRadius: [],
  cost: null,
  diagnosis: { source: 'llm', text: `${hostile} ${'long '.repeat(3000)}` },
  proposal: null,
  flapped: null,
  history: null,
  runbooks: [],
  updatedAt: '2026-03-01T03:00:00.000Z',
};

interface Surface {
  name: string;
  chat: ChatPort;
  /** Everything the fake received as text of the last card message, and its limit. */
  lastCard(): { text: string; limit: number; id: string; edits: number };
  lastReply(): { text: string; replyTo: string };
  rateLimitNext(seconds: number): void;
  /** Escaping that the platform needs, checked on what it received. */
  inert(text: string): void;
}

/**
 * The contract every ChatPort adapter keeps, run against each platform's fake (SIMULATED Slack and Telegram):
 * a card within the platform's limits with hostile text inert, edited in place, a thread reply attached to it,
 * a 429 returned as a retryable `rate_limited` with the platform's wait, a deleted message as `not_found`.
 */
describe('ChatPort contract [fake Slack, fake Telegram, simulated]', () => {
  let slackApi: FakeSlackApi;
  let telegramApi: FakeTelegramApi;
  const surfaces: Surface[] = [];

  beforeAll(async () => {
    slackApi = await startFakeSlackApi({ token: 'xoxb-contract-0000', team: 'T0C' });
    telegramApi = await startFakeTelegramApi({ token: '42:contract-token-for-the-fake-api' });
    surfaces.push(
      {
        name: 'slack',
        chat: new SlackChat({ botToken: 'xoxb-contract-0000', channel: 'C0CONTRACT', apiUrl: slackApi.url, consoleUrl: 'https://awoooi.example.com' }),
        lastCard: () => {
          const message = [...slackApi.messages.values()].at(-1)!;
          // mrkdwn is what Slack parses for mentions and links; plain_text (the header) is shown as it is.
          const mrkdwn: string[] = [];
          const collect = (value: unknown): void => {
            if (Array.isArray(value)) value.forEach(collect);
            else if (value !== null && typeof value === 'object') {
              const record = value as Record<string, unknown>;
              if (record['type'] === 'mrkdwn' && typeof record['text'] === 'string') mrkdwn.push(record['text']);
              Object.values(record).forEach(collect);
            }
          };
          collect(message.blocks);
          return { text: [message.text, ...mrkdwn].join('\n'), limit: 3000, id: message.ts, edits: message.edits };
        },
        lastReply: () => ({ text: slackApi.replies.at(-1)!.text, replyTo: slackApi.replies.at(-1)!.threadTs! }),
        rateLimitNext: (seconds) => slackApi.rateLimitNext('chat.update', 1, seconds),
        inert: (text) => {
          expect(text.replace(/<https:\/\/awoooi\.example\.com\/[^|>]*\|[^>]*>/g, '')).not.toMatch(/[<>]/);
          expect(text).not.toMatch(/<[!@#]/);
          expect(text).not.toContain('<http://evil');
          expect(text).not.toMatch(/(^|[^\u200d])@(everyone|here|channel)\b/);
        },
      },
      {
        name: 'telegram',
        chat: new TelegramChat({
          botToken: '42:contract-token-for-the-fake-api',
          chatId: '-100777',
          apiUrl: telegramApi.url,
          consoleUrl: 'https://awoooi.example.com',
        }),
        lastCard: () => {
          const message = [...telegramApi.cards.values()].at(-1)!;
          return { text: message.text, limit: 4096, id: String(message.messageId), edits: message.edits };
        },
        lastReply: () => ({ text: telegramApi.replies.at(-1)!.text, replyTo: String(telegramApi.replies.at(-1)!.replyTo) }),
        rateLimitNext: (seconds) => telegramApi.rateLimitNext('editMessageText', 1, seconds),
        inert: (text) => {
          expect(text.replace(/<\/?(b|i|code)>|<a href="https:\/\/awoooi\.example\.com\/[^"<>]*">|<\/a>/g, '')).not.toMatch(/[<>]/);
          expect(text).not.toContain('href="http://evil');
        },
      },
    );
  });
  afterAll(async () => {
    await slackApi?.close();
    await telegramApi?.close();
  });

  for (const name of ['slack', 'telegram']) {
    it(`${name}: posts within limits with hostile text inert, edits in place, replies in the thread, maps 429 and deleted messages`, async () => {
      const surface = surfaces.find((candidate) => candidate.name === name)!;
      const posted = await surface.chat.postCard(surface.chat.channel, card);
      if (!posted.ok) throw new Error(posted.error.message);
      const first = surface.lastCard();
      expect(first.id).toBe(posted.value.messageId);
      surface.inert(first.text);
      if (name === 'telegram') expect(first.text.length).toBeLessThanOrEqual(first.limit);
      expect(first.text).toContain('truncated');

      expect(await surface.chat.updateCard(posted.value, { ...card, title: 'calmer' })).toEqual({ ok: true, value: undefined });
      expect(surface.lastCard()).toMatchObject({ id: posted.value.messageId, edits: 1 });

      expect(await surface.chat.postThreadReply(posted.value, `Alice approved ${hostile}`)).toEqual({ ok: true, value: undefined });
      const reply = surface.lastReply();
      expect(reply.replyTo).toBe(posted.value.messageId);
      surface.inert(reply.text);

      surface.rateLimitNext(7);
      const limited = await surface.chat.updateCard(posted.value, { ...card, title: 'again' });
      expect(limited).toEqual({ ok: false, error: expect.objectContaining({ code: 'rate_limited', retryable: true, retryAfterMilliseconds: 7000 }) });

      const gone = await surface.chat.updateCard({ ...posted.value, messageId: name === 'slack' ? '1.000000' : '99999' }, card);
      expect(gone).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found', retryable: false }) });
    });
  }
});
