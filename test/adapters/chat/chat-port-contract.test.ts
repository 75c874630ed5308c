import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordChat } from '../../../adapters/discord/discord-chat.ts';
import { SlackChat } from '../../../adapters/slack/slack-chat.ts';
import { TelegramChat } from '../../../adapters/telegram/telegram-chat.ts';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import type { ChatPort } from '../../../src/ports/chat-port.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.ts';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../support/fake-telegram-api.ts';
import { startFakeDiscordApi, type FakeDiscordApi, type FakeDiscordMessage } from '../../support/fake-discord-api.ts';
import { installRecordingDom, type RecordingElement } from '../../support/recording-dom.ts';
import { consoleHarness } from '../webconsole/console-fixtures.ts';
import { discordInbound, type InboundSurface, proposalId, slackInbound, telegramInbound, webInbound } from './inbound-surfaces.ts';

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
/** Everything of a Discord card message that Discord renders as markdown. */
function discordText(message: FakeDiscordMessage): string {
  return [
    message.content,
    ...message.embeds.flatMap((embed) => [
      embed.title ?? '',
      embed.description ?? '',
      ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]),
      embed.footer?.text ?? '',
    ]),
  ].join('\n');
}

describe('ChatPort contract [fake Slack, fake Telegram, fake Discord, simulated]', () => {
  let slackApi: FakeSlackApi;
  let telegramApi: FakeTelegramApi;
  let discordApi: FakeDiscordApi;
  const surfaces: Surface[] = [];

  beforeAll(async () => {
    slackApi = await startFakeSlackApi({ token: 'xoxb-contract-0000', team: 'T0C' });
    telegramApi = await startFakeTelegramApi({ token: '42:contract-token-for-the-fake-api' });
    discordApi = await startFakeDiscordApi({ token: 'discord-contract-token', applicationId: '1098765432109876543', channelId: '645027906669510667' });
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
      {
        name: 'discord',
        chat: new DiscordChat({
          botToken: 'discord-contract-token',
          applicationId: '1098765432109876543',
          channelId: '645027906669510667',
          apiUrl: discordApi.url,
          consoleUrl: 'https://awoooi.example.com',
        }),
        lastCard: () => {
          const message = [...discordApi.cards.values()].at(-1)!;
          // The fake refuses (400) a body beyond any of Discord's limits; the description's own limit is checked here.
          return { text: discordText(message), limit: 4096, id: message.id, edits: message.edits };
        },
        lastReply: () => ({ text: discordApi.replies.at(-1)!.content, replyTo: discordApi.replies.at(-1)!.replyTo! }),
        rateLimitNext: (seconds) => discordApi.rateLimitNext('PATCH /channels/', 1, seconds),
        inert: (text) => {
          // Our own markup: bold labels, italics, and the masked link to the web console card.
          const ours = text
            .replace(/\*\*[A-Za-z -]+\*\*/g, '')
            .replace(/\*\(truncated: \[full card in the web console\]\(https:\/\/awoooi\.example\.com\/[^)\s]*\)\)\*/g, '')
            .replace(/\*(pending|analysing…)\*/g, '');
          expect(ours).not.toMatch(/(?<!\\)[<>[\]*_~`|]/);
          expect(text).not.toMatch(/@(everyone|here)/i);
          expect(text).not.toContain('](http://evil');
          expect(discordApi.violations).toEqual([]);
        },
      },
    );
  });
  afterAll(async () => {
    await slackApi?.close();
    await telegramApi?.close();
    await discordApi?.close();
  });

  for (const name of ['slack', 'telegram', 'discord']) {
    it(`${name}: posts within limits with hostile text inert, edits in place, replies in the thread, maps 429 and deleted messages`, async () => {
      const surface = surfaces.find((candidate) => candidate.name === name)!;
      const posted = await surface.chat.postCard(surface.chat.channel, card);
      if (!posted.ok) throw new Error(posted.error.message);
      const first = surface.lastCard();
      expect(first.id).toBe(posted.value.messageId);
      surface.inert(first.text);
      if (name === 'telegram') expect(first.text.length).toBeLessThanOrEqual(first.limit);
      if (name === 'discord') expect([...discordApi.cards.values()].at(-1)!.embeds[0]!.description!.length).toBeLessThanOrEqual(first.limit);
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

/**
 * The web console takes part on its own terms: it has no platform limits and no message to edit, so "within limits"
 * is "nothing cut", "in place" is the live event for the same incident and the same card on the next fetch, and
 * "inert" is the page's renderer (adapters/webconsole/public/render-card.js) putting hostile text only into text
 * nodes: it runs here on a DOM without an HTML parser, so whatever markup the card holds stays text.
 */
describe('web console as a chat surface: render, escape, update in place', () => {
  it('web: shows the whole hostile card as text, keeps only http(s) links, and announces an update of the same card', async () => {
    let current: IncidentCard = { ...card, runbooks: ['javascript:alert(1)', 'https://runbooks.example/crash'] };
    const harness = await consoleHarness({ cards: () => [current] });
    try {
      const listed = (await harness.app.inject({ method: 'GET', url: '/console/cards' })).json() as { cards: IncidentCard[] };
      expect(listed.cards).toHaveLength(1);
      expect(listed.cards[0]!.diagnosis!.text).toBe(card.diagnosis!.text);

      installRecordingDom();
      const rendererPath = '../../../adapters/webconsole/public/render-card.js';
      const { renderCard } = (await import(rendererPath)) as { renderCard: (card: unknown, view: unknown) => RecordingElement };
      const view = { person: null, answer: () => undefined, busy: () => false, onClick: () => {} };
      const root = renderCard(listed.cards[0], view);
      expect(root.textContent).toContain(hostile);
      expect(root.textContent).toContain(card.diagnosis!.text);
      const tags = new Set(root.elements().map((element) => element.tagName));
      for (const tag of ['script', 'img', 'iframe', 'b']) expect(tags.has(tag)).toBe(false);
      const hrefs = root.elements().flatMap((element) => (element.attributes.has('href') ? [element.attributes.get('href')!] : []));
      expect(hrefs).toEqual(['https://runbooks.example/crash']);

      await harness.app.listen({ port: 0, host: '127.0.0.1' });
      const address = harness.app.server.address() as { port: number };
      const stream = await fetch(`http://127.0.0.1:${address.port}/console/events`);
      const reader = stream.body!.getReader();
      current = { ...current, title: 'calmer' };
      await harness.events.publish({ type: 'incident-updated', incidentId: card.incidentId });
      let received = '';
      while (!received.includes('incident-updated')) received += new TextDecoder().decode((await reader.read()).value);
      expect(received).toContain(card.incidentId);
      await reader.cancel();
      const after = (await harness.app.inject({ method: 'GET', url: '/console/cards' })).json() as { cards: IncidentCard[] };
      expect(after.cards.map((entry) => [entry.incidentId, entry.title])).toEqual([[card.incidentId, 'calmer']]);
    } finally {
      await harness.close();
    }
  });
});

/**
 * Every surface's inbound door, the same contract (SIMULATED platforms, each request signed as the platform signs
 * it): a click by a configured person reaches the core as that person's signature; a stranger, a click from another
 * workspace / guild / chat (the web console: another site) and a forged request change nothing, and the clicker alone
 * hears why. The core here is a stand-in without a database (see inbound-surfaces.ts).
 */
describe('click contract across Slack, Telegram, Discord and the web console', () => {
  const makers = { slack: slackInbound, telegram: telegramInbound, discord: discordInbound, web: webInbound };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: a click becomes a signature; a stranger, a foreign workspace and a forged request change nothing`, async () => {
      const surface: InboundSurface = await make();
      try {
        expect(await surface.click('alice')).toBe(200);
        expect(await surface.lastAnswer()).toMatch(/Signed/);
        expect(surface.reached).toHaveLength(1);
        expect(surface.reached[0]).toMatchObject({ platform: name, proposalId, decision: 'approve' });

        // Chat platforms get their acknowledgement (200) and a private refusal; the console refuses outright.
        expect(await surface.click('stranger')).toBe(name === 'web' ? 401 : 200);
        expect(await surface.lastAnswer()).toMatch(name === 'web' ? /Sign in/ : /not linked/);
        expect(await surface.click('alice', { foreign: true })).toBe(name === 'web' ? 403 : 200);
        expect(await surface.lastAnswer()).toMatch(name === 'web' ? /Cross-origin/ : /another workspace/);
        expect(await surface.forged()).toBe(name === 'web' ? 403 : 401);
        expect(surface.reached).toHaveLength(1);
      } finally {
        await surface.close();
      }
    });
  }
});
