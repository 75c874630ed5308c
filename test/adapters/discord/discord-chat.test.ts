import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordChat } from '../../../adapters/discord/discord-chat.ts';
import { discordLimits, renderDiscordCard } from '../../../adapters/discord/render-discord-card.ts';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import { sampleCard } from '../webconsole/console-fixtures.ts';
import { startFakeDiscordApi, type FakeDiscordApi } from '../../support/fake-discord-api.ts';

const channelId = '645027906669510667';
const long = (text: string, times: number) => `${text} `.repeat(times);

/** A card with every part at its worst: long hostile texts, many signatures, findings, runbooks. */
function hugeCard(): IncidentCard {
  const base = sampleCard({}, { id: '00000000-0000-4000-8000-0000000000dd' });
  return {
    ...base,
    title: long('@everyone <@123> [t](http://evil.example)', 40),
    services: Array.from({ length: 300 }, (_, index) => `service-${index}`),
    rootCauses: [{ service: long('svc', 100), kind: 'service', score: 1, alerting: true, evidence: Array.from({ length: 40 }, () => long('*evidence*', 60)) }],
    diagnosis: { source: 'llm', text: long('`diagnosis` ||spoiler||', 800) },
    proposal: {
      ...base.proposal!,
      description: long('describe', 300),
      reason: long('reason', 300),
      signatures: Array.from({ length: 60 }, (_, index) => ({
        personId: `p${index}`,
        personName: long('Name', 20),
        roles: ['sre'],
        platform: 'discord',
        decision: 'approve' as const,
        at: '2026-03-01T03:00:00.000Z',
      })),
      missing: long('missing', 400),
      dryRun: { ok: false, findings: Array.from({ length: 50 }, () => ({ check: 'rbac', ok: false, message: long('denied', 40) })) },
    },
    runbooks: Array.from({ length: 30 }, (_, index) => `https://runbooks.example/${index}`),
  };
}

describe('DiscordChat [fake Discord, simulated]', () => {
  let api: FakeDiscordApi;
  let chat: DiscordChat;
  beforeAll(async () => {
    api = await startFakeDiscordApi({ token: 'discord-test-token', applicationId: '1098765432109876543', channelId });
    chat = new DiscordChat({
      botToken: 'discord-test-token',
      applicationId: '1098765432109876543',
      channelId,
      apiUrl: api.url,
      consoleUrl: 'https://awoooi.example.com',
    });
  });
  afterAll(async () => api?.close());

  it('keeps every embed and component limit on the worst card, says it cut, and never allows mentions', () => {
    const message = renderDiscordCard(hugeCard(), 'https://awoooi.example.com');
    const [embed] = message.embeds;
    expect(embed!.title.length).toBeLessThanOrEqual(discordLimits.embedTitle);
    expect(embed!.description.length).toBeLessThanOrEqual(discordLimits.embedDescription);
    expect(embed!.fields.length).toBeLessThanOrEqual(discordLimits.fields);
    for (const field of embed!.fields) expect(field.value.length).toBeLessThanOrEqual(discordLimits.fieldValue);
    const total =
      embed!.title.length +
      embed!.description.length +
      embed!.footer.text.length +
      embed!.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    expect(total).toBeLessThanOrEqual(discordLimits.embedTotal);
    expect(embed!.description).toContain('truncated');
    expect(message.content.length).toBeLessThanOrEqual(discordLimits.content);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    const buttons = message.components.flatMap((row) => row.components);
    expect(buttons.map((button) => button.label)).toEqual(['Approve', 'Reject', 'Open in the web console']);
    for (const button of buttons) if ('custom_id' in button) expect(button.custom_id.length).toBeLessThanOrEqual(discordLimits.customId);
  });

  it('says where a merged incident goes on, linked to its card in the web console', () => {
    const merged = renderDiscordCard(
      sampleCard({ status: 'merged', mergedInto: { incidentId: 'abc', number: 7 }, absorbed: [] }),
      'https://awoooi.example.com',
    );
    expect(merged.embeds[0]!.description).toContain('**Merged into [\\#7](https://awoooi.example.com/#incident-abc)**');
    expect(merged.embeds[0]!.fields.find((field) => field.name === 'Status')?.value).toBe('MERGED');
    const survivor = renderDiscordCard(sampleCard({ absorbed: [3, 4] }));
    expect(survivor.embeds[0]!.description).toContain('**Merged into this one**: #3, #4');
  });

  it('posts the worst card and Discord (the fake checks the limits) takes it; learns the guild from the channel', async () => {
    const posted = await chat.postCard(chat.channel, hugeCard());
    expect(posted).toMatchObject({ ok: true, value: { workspace: api.guildId, channel: channelId, threadId: null } });
    expect(api.violations).toEqual([]);
    expect(chat.health()).toBe(`ok (guild ${api.guildId})`);
  });

  it('answers 429 as rate_limited with the float retry_after of the body, and does not call a bucket the headers said is spent', async () => {
    const posted = await chat.postCard(chat.channel, sampleCard());
    if (!posted.ok) throw new Error(posted.error.message);
    api.rateLimitNext('PATCH /channels/', 1, 0.35);
    expect(await chat.updateCard(posted.value, sampleCard())).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'rate_limited', retryable: true, retryAfterMilliseconds: 350 }),
    });

    api.exhaustNext('PATCH /channels/', 30);
    expect((await chat.updateCard(posted.value, sampleCard())).ok).toBe(true);
    const calls = api.calls.length;
    const spent = await chat.updateCard(posted.value, sampleCard());
    expect(spent).toEqual({ ok: false, error: expect.objectContaining({ code: 'rate_limited', retryable: true }) });
    expect(!spent.ok && spent.error.retryAfterMilliseconds).toBeGreaterThan(25_000);
    expect(api.calls.length).toBe(calls);
    // Another route's bucket (posting) is not held up by the spent edit bucket.
    expect((await chat.postThreadReply(posted.value, 'a line')).ok).toBe(true);
  });

  it('holds every route after a global 429, for as long as it said', async () => {
    const global = new DiscordChat({ botToken: 'discord-test-token', applicationId: '1098765432109876543', channelId, apiUrl: api.url });
    const ref = { workspace: api.guildId, channel: channelId, messageId: '1', threadId: null };
    api.rateLimitNext('POST /channels/', 1, 30, true);
    expect(await global.postThreadReply(ref, 'x')).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'rate_limited', retryAfterMilliseconds: 30_000 }),
    });
    const calls = api.calls.length;
    const edit = await global.updateCard(ref, sampleCard());
    expect(edit).toEqual({ ok: false, error: expect.objectContaining({ code: 'rate_limited', retryable: true }) });
    expect(api.calls.length).toBe(calls);
  });

  it('maps Discord down to unavailable (retryable) and a wrong token to refused (final), naming no token', async () => {
    api.setDown(true);
    const down = await chat.postThreadReply({ workspace: api.guildId, channel: channelId, messageId: '1', threadId: null }, 'x');
    api.setDown(false);
    expect(down).toEqual({ ok: false, error: expect.objectContaining({ code: 'unavailable', retryable: true }) });
    const wrong = new DiscordChat({ botToken: 'not-the-token', applicationId: '1', channelId, apiUrl: api.url });
    const refused = await wrong.reach();
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'refused', retryable: false }) });
    expect(wrong.health()).toMatch(/^refused: Discord answered 401/);
    expect(JSON.stringify(refused)).not.toContain('not-the-token');
  });

  it('answers privately only through an interaction: a follow-up to a click, the deferred reply of a command', async () => {
    const recipient = { workspace: api.guildId, channel: channelId, user: '1' };
    expect(await chat.answerPrivately({ ...recipient, interaction: 'followup:tok-1' }, 'Signed <@1> @everyone')).toEqual({ ok: true, value: undefined });
    expect(await chat.answerPrivately({ ...recipient, interaction: 'original:tok-2' }, 'status')).toEqual({ ok: true, value: undefined });
    expect(api.interactionAnswers.slice(-2)).toEqual([
      { token: 'tok-1', kind: 'followup', content: 'Signed \\<@1\\> @\u200deveryone', flags: 68 },
      { token: 'tok-2', kind: 'original', content: 'status', flags: 68 },
    ]);
    expect((await chat.answerPrivately(recipient, 'nowhere')).ok).toBe(false);
  });
});
