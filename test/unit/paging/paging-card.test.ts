import { describe, expect, it } from 'vitest';
import { discordCustomId, renderDiscordCard } from '../../../adapters/discord/render-discord-card.ts';
import { renderBlockKit, slackActions, type Block } from '../../../adapters/slack/render-block-kit.ts';
import { renderTelegramCard, telegramCallback, telegramLimits } from '../../../adapters/telegram/render-telegram-card.ts';
import { cardPagingLines } from '../../../src/cards/card-paging-lines.ts';
import type { CardPaging, IncidentCard } from '../../../src/cards/incident-card.ts';
import { renderCardText } from '../../../src/cards/render-card-text.ts';
import { cardTimeline } from '../../../src/chat/card-timeline.ts';

const escalationId = '00000000-0000-4000-8000-0000000000bb';

const paging: CardPaging = {
  escalationId,
  policy: 'default',
  state: 'active',
  startedAt: '2026-03-01T03:00:00.000Z',
  nextStepAt: '2026-03-01T03:15:00.000Z',
  pages: [
    { id: 'p1', step: 1, personName: 'Alice <b>*', channel: 'sms', state: 'sent', at: '2026-03-01T03:00:02.000Z', error: null },
    { id: 'p2', step: 2, personName: 'Bob', channel: 'pagerduty', state: 'failed', at: '2026-03-01T03:05:00.000Z', error: 'invalid: PagerDuty answered 400' },
  ],
  acknowledged: null,
  note: null,
};

const card = (overrides: Partial<IncidentCard> = {}): IncidentCard => ({
  incidentId: '00000000-0000-4000-8000-0000000000aa',
  number: 42,
  title: 'checkout down',
  severity: 'critical',
  status: 'open',
  services: ['checkout'],
  openedAt: '2026-03-01T03:00:00.000Z',
  analysis: { state: 'done', unmappedAlerts: [], failure: null },
  rootCauses: [],
  blastRadius: [],
  cost: null,
  diagnosis: null,
  proposal: null,
  flapped: null,
  history: null,
  runbooks: [],
  mergedInto: null,
  absorbed: [],
  paging,
  updatedAt: '2026-03-01T03:05:00.000Z',
  ...overrides,
});

describe('the card shows who was paged, when, through what, and who acknowledged', () => {
  it('says each page and what comes next, as plain text', () => {
    expect(cardPagingLines(paging)).toEqual([
      'Paging (default): waiting for an acknowledgement; next step at 2026-03-01T03:15:00.000Z',
      'step 1: Alice <b>* via sms, sent at 2026-03-01T03:00:02.000Z',
      'step 2: Bob via pagerduty, FAILED (invalid: PagerDuty answered 400) at 2026-03-01T03:05:00.000Z',
    ]);
    const acknowledged = {
      ...paging,
      state: 'acknowledged' as const,
      nextStepAt: null,
      acknowledged: { by: 'Bob', via: 'sms', at: '2026-03-01T03:06:00.000Z' },
    };
    expect(cardPagingLines(acknowledged)[0]).toBe('Paging (default): acknowledged by Bob via sms at 2026-03-01T03:06:00.000Z');
    expect(renderCardText(card({ paging: acknowledged }))).toContain('acknowledged by Bob via sms');
    expect(cardPagingLines(null)).toEqual([]);
  });

  it('Slack: a paging section (escaped) and an Acknowledge button carrying only the escalation id, while it runs', () => {
    const message = renderBlockKit(card());
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Alice &lt;b&gt;*');
    const button = message.blocks.flatMap((block: Block) => block.elements ?? []).find((element: Block) => element.action_id === slackActions.acknowledge);
    expect(button).toMatchObject({ type: 'button', value: escalationId, text: { text: 'Acknowledge' } });
    const stopped = renderBlockKit(card({ paging: { ...paging, state: 'acknowledged' } }));
    expect(JSON.stringify(stopped.blocks)).not.toContain(slackActions.acknowledge);
  });

  it('Telegram: the paging lines (escaped) and an Acknowledge button within 64 bytes of callback data', () => {
    const message = renderTelegramCard(card());
    expect(message.html).toContain('Alice &lt;b&gt;*');
    const data = message.keyboard.flat().map((button) => button.callback_data);
    expect(data).toEqual([`k:${escalationId}`]);
    expect(Buffer.byteLength(data[0]!)).toBeLessThanOrEqual(telegramLimits.callbackDataBytes);
    expect(telegramCallback.decode(data[0]!)).toEqual({ decision: 'acknowledge', proposalId: escalationId });
    expect(telegramCallback.decode('k:not-a-uuid')).toBeUndefined();
    expect(renderTelegramCard(card({ paging: { ...paging, state: 'resolved' } })).keyboard).toEqual([]);
  });

  it('Discord: a paging field (escaped) and an Acknowledge button whose custom_id carries only the escalation id', () => {
    const message = renderDiscordCard(card());
    const field = message.embeds[0]!.fields.find((entry) => entry.name.startsWith('Paging'));
    expect(field?.value).toContain('Alice \\<b\\>\\*');
    const [button] = message.components.flatMap((row) => row.components);
    expect(button).toEqual({ type: 2, style: 1, label: 'Acknowledge', custom_id: `awoooi:k:${escalationId}` });
    expect(discordCustomId.decode(`awoooi:k:${escalationId}`)).toEqual({ decision: 'acknowledge', proposalId: escalationId });
    expect(renderDiscordCard(card({ paging: { ...paging, state: 'acknowledged' } })).components).toEqual([]);
  });

  it('puts every page, the acknowledgement and a suppression on the timeline once each', () => {
    const acknowledged = { ...paging, state: 'acknowledged' as const, acknowledged: { by: 'Bob', via: 'sms', at: '2026-03-01T03:06:00.000Z' } };
    const lines = cardTimeline(card({ paging: acknowledged }));
    expect(lines.map((line) => line.text)).toEqual([
      'Step 1: Alice <b>* paged via sms at 2026-03-01T03:00:02.000Z.',
      'Step 2: Bob could not be paged (invalid: PagerDuty answered 400) via pagerduty at 2026-03-01T03:05:00.000Z.',
      'Bob acknowledged via sms at 2026-03-01T03:06:00.000Z; the escalation stopped.',
    ]);
    expect(new Set(lines.map((line) => line.key)).size).toBe(3);
    const suppressed = cardTimeline(
      card({ paging: { ...paging, state: 'suppressed', pages: [], note: 'reopened within 60 min of the last page (flapping): not paged again' } }),
    );
    expect(suppressed.map((line) => line.text)).toEqual(['Not paged: reopened within 60 min of the last page (flapping): not paged again.']);
  });
});
