import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import { ChannelPacer } from '../../../src/chat/channel-pacer.ts';
import { findChatMessage } from '../../../src/chat/chat-message-repository.ts';
import { publishChatCard, RetryableChatError, type PublishDependencies } from '../../../src/chat/publish-chat-card.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import { insertIncident, testStart } from '../../support/approval-harness.ts';
import { ScriptedChat } from '../../support/scripted-chat.ts';
import { recordingLogger } from '../../support/recording-logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const baseCard = (incidentId: string): IncidentCard => ({
  incidentId,
  number: 1,
  title: 'KubePodCrashLooping on checkout',
  severity: 'critical',
  status: 'open',
  mergedInto: null,
  absorbed: [],
  services: ['checkout'],
  openedAt: testStart.toISOString(),
  analysis: { state: 'pending', unmappedAlerts: [], failure: null },
  rootCauses: [],
  blastRadius: [],
  cost: null,
  diagnosis: null,
  proposal: null,
  flapped: null,
  history: null,
  runbooks: [],
  updatedAt: testStart.toISOString(),
});

describe('publishChatCard [simulated chat]', () => {
  let database: TestDatabase;
  let incidentId: string;
  let card: IncidentCard;
  let chat: ScriptedChat;
  let deps: PublishDependencies;
  const log = recordingLogger();

  beforeEach(async () => {
    database = await createTestDatabase();
    incidentId = await insertIncident(database.handle.db);
    card = baseCard(incidentId);
    chat = new ScriptedChat();
    deps = {
      db: database.handle.db,
      chat,
      pacer: new ChannelPacer('slack', chat.pacing),
      clock: manualClock(testStart),
      log,
      buildCard: async () => card,
      sleep: async () => {},
    };
  });
  afterEach(async () => {
    await database.drop();
  });

  it('posts once, then edits the same message only when the card changed, and replies each timeline line once', async () => {
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'posted', replies: 0 });
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'unchanged', replies: 0 });
    card = { ...card, status: 'resolved', updatedAt: '2026-03-01T03:10:00.000Z' };
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'updated', replies: 1 });
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'unchanged', replies: 0 });
    expect(chat.calls).toEqual([{ kind: 'post' }, { kind: 'update', messageId: 'm1' }, { kind: 'reply', messageId: 'm1', text: 'The incident is resolved.' }]);
    expect((await findChatMessage(database.handle.db, incidentId, 'slack', 'C1'))?.replied).toEqual(['resolved']);
  });

  it('defers on a 429 for as long as the platform asked, closes the channel meanwhile, and loses no update', async () => {
    await publishChatCard(deps, incidentId);
    card = { ...card, title: 'changed' };
    chat.failures.update = { code: 'rate_limited', message: '429', retryable: true, retryAfterMilliseconds: 7_000 };
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'deferred', afterMilliseconds: 7_000, replies: 0 });
    expect(await publishChatCard(deps, incidentId)).toMatchObject({ kind: 'deferred' });
    expect(chat.calls.filter((call) => call.kind === 'update')).toHaveLength(1);
    expect(log.lines.some((line) => line.message.includes('rate limited') && line.fields['retryAfterMilliseconds'] === 7_000)).toBe(true);

    deps = { ...deps, pacer: new ChannelPacer('slack', chat.pacing) }; // the bucket reopened
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'updated', replies: 0 });
    expect(chat.calls.filter((call) => call.kind === 'update')).toHaveLength(2);
  });

  it('posts a new card when the old message was deleted, and follows the new one', async () => {
    await publishChatCard(deps, incidentId);
    card = { ...card, title: 'changed' };
    chat.failures.update = { code: 'not_found', message: 'message_not_found', retryable: false };
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'posted', replies: 0 });
    expect((await findChatMessage(database.handle.db, incidentId, 'slack', 'C1'))?.ref.messageId).toBe('m2');
  });

  it('posts to the first matching route, and keeps the card in that channel when the incident changes', async () => {
    deps = {
      ...deps,
      routes: [
        { severities: ['info'], channel: 'C_INFO' },
        { severities: ['critical'], services: ['checkout'], channel: 'C_PAGE' },
      ],
    };
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'posted', replies: 0 });
    card = { ...card, severity: 'info', title: 'calmer now' };
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'updated', replies: 0 });
    expect(chat.channels).toEqual(['C_PAGE', 'C_PAGE']);
    expect((await findChatMessage(database.handle.db, incidentId, 'slack', 'C_PAGE'))?.ref.channel).toBe('C_PAGE');
  });

  it('gives up on a refusal (logged) and throws on a passing failure so the job queue retries', async () => {
    chat.failures.post = { code: 'refused', message: 'channel_not_found', retryable: false };
    expect(await publishChatCard(deps, incidentId)).toEqual({ kind: 'gave_up', replies: 0 });
    expect(log.lines.some((line) => line.level === 'error' && line.fields['code'] === 'refused')).toBe(true);
    chat.failures.post = { code: 'unavailable', message: 'Slack did not answer', retryable: true };
    await expect(publishChatCard(deps, incidentId)).rejects.toBeInstanceOf(RetryableChatError);
    expect(await findChatMessage(database.handle.db, incidentId, 'slack', 'C1')).toBeUndefined();
  });
});
