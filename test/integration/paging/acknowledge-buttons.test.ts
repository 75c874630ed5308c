import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSlackRoutes } from '../../../adapters/slack/register-slack-routes.ts';
import { slackActions } from '../../../adapters/slack/render-block-kit.ts';
import { signSlackRequest } from '../../../adapters/slack/verify-slack-signature.ts';
import { handleTelegramUpdate } from '../../../adapters/telegram/handle-telegram-update.ts';
import type { ApprovalDependencies } from '../../../src/approval/approval-dependencies.ts';
import { handleChatClick } from '../../../src/chat/handle-chat-click.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { acknowledgeByAccount, acknowledgeBySms } from '../../../src/paging/acknowledge-doors.ts';
import { fireDueSteps } from '../../../src/paging/fire-due-steps.ts';
import type { PagingDependencies } from '../../../src/paging/paging-dependencies.ts';
import { pagingSettings } from '../../../src/paging/paging-settings.ts';
import { startEscalations } from '../../../src/paging/start-escalations.ts';
import { manualClock, systemClock } from '../../../src/ports/clock.ts';
import { insertIncident, testStart } from '../../support/approval-harness.ts';
import { recordingLogger } from '../../support/recording-logger.ts';
import { RecordingPager } from '../../support/recording-pager.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const secret = 'slacksigningsecretfortests0123456';

/** Acknowledge buttons (cards and direct messages) through the chat platforms' real doors, on PostgreSQL. */
describe('Acknowledge buttons on Slack and Telegram [simulated pagers]', () => {
  let database: TestDatabase;
  let deps: PagingDependencies;
  let escalationId: string;
  beforeEach(async () => {
    database = await createTestDatabase();
    const jobs = { enqueue: async () => {}, notify: () => {} };
    deps = {
      db: database.handle.db,
      jobs,
      clock: manualClock(testStart),
      log: recordingLogger(),
      events: { publish: async () => {} },
      settings: pagingSettings.parse({ policies: [{ id: 'default', steps: [{ afterMinutes: 0, people: ['alice'] }] }] }),
      schedules: [],
      people: [
        { id: 'alice', name: 'Alice', accounts: { slack: 'T111:W111' }, contacts: { sms: '+15550000001' } },
        { id: 'bob', name: 'Bob', accounts: { telegram: '1111111' }, contacts: {} },
        { id: 'dana', name: 'Dana', accounts: { discord: '700000000000000001:123456789012345678' }, contacts: { discord: '123456789012345678' } },
      ],
      pagers: new Map([['sms', new RecordingPager('sms', [])]]),
    };
    await insertIncident(database.handle.db, testStart);
    await startEscalations(deps);
    await fireDueSteps(deps);
    escalationId = (await database.handle.db.selectFrom('paging_escalations').select('id').executeTakeFirstOrThrow()).id;
  });
  afterEach(() => database.drop());

  const approval = () => ({ db: database.handle.db, clock: systemClock, log: recordingLogger() }) as unknown as ApprovalDependencies;
  const state = async () =>
    await database.handle.db.selectFrom('paging_escalations').select(['state', 'acknowledged_by', 'acknowledged_via']).executeTakeFirstOrThrow();

  it('Slack: a signed click on Acknowledge (in a DM, not a card) stops the escalation; the clicker hears so', async () => {
    const app = createHttpServer({ bodyLimitBytes: 1024 * 1024, logger: pino({ level: 'silent' }) });
    const answers: string[] = [];
    registerSlackRoutes(app, {
      signingSecret: secret,
      clock: systemClock,
      log: recordingLogger(),
      answerPrivately: async (_recipient, text) => {
        answers.push(text);
        return { ok: true, value: undefined };
      },
      handleClick: (click) => handleChatClick(approval(), click, (input) => acknowledgeByAccount(deps, input)),
      handleCommand: async () => ({ text: 'help' }),
    });
    await app.ready();
    const payload = {
      type: 'block_actions',
      user: { id: 'W111', team_id: 'T111' },
      team: { id: 'T111' },
      container: { channel_id: 'D0DIRECT', message_ts: '123.456' },
      actions: [{ action_id: slackActions.acknowledge, value: escalationId, type: 'button' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const { timestamp, signature } = signSlackRequest(body, secret, Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature };
    expect((await app.inject({ method: 'POST', url: '/slack/interactions', headers, payload: body })).statusCode).toBe(200);
    await app.close();
    expect(await state()).toEqual({ state: 'acknowledged', acknowledged_by: 'alice', acknowledged_via: 'slack' });
    expect(answers).toEqual(['Acknowledged: the escalation stopped, nobody else is paged.']);
  });

  it('Telegram: the k: callback acknowledges for the linked person; an unlinked account changes nothing', async () => {
    const answers: string[] = [];
    const doors = {
      log: recordingLogger(),
      answerPrivately: async (_recipient: unknown, text: string) => {
        answers.push(text);
        return { ok: true as const, value: undefined };
      },
      handleClick: (click: unknown) => handleChatClick(approval(), click, (input) => acknowledgeByAccount(deps, input)),
      handleCommand: async () => ({ text: 'help' }),
      firstDelivery: async () => true,
    };
    const update = (updateId: number, from: number) => ({
      update_id: updateId,
      callback_query: { id: `cb${updateId}`, from: { id: from }, message: { message_id: 7, chat: { id: from } }, data: `k:${escalationId}` },
    });
    await handleTelegramUpdate(doors, update(1, 999));
    expect((await state()).state).toBe('active');
    await handleTelegramUpdate(doors, update(2, 1111111));
    expect(await state()).toEqual({ state: 'acknowledged', acknowledged_by: 'bob', acknowledged_via: 'telegram' });
    expect(answers).toEqual([
      'Your telegram account is not linked to anyone configured; ask an admin to add it.',
      'Acknowledged: the escalation stopped, nobody else is paged.',
    ]);
    const audit = await database.handle.db.selectFrom('audit_log').select(['kind', 'actor']).where('kind', '=', 'paging_acknowledged').execute();
    expect(audit).toEqual([{ kind: 'paging_acknowledged', actor: 'bob' }]);
  });

  it('SMS replies: only the keyword from a paged number acknowledges, and "ACK <n>" must name the paged incident', async () => {
    const number = Number((await database.handle.db.selectFrom('incidents').select('number').executeTakeFirstOrThrow()).number);
    expect(await acknowledgeBySms(deps, { from: '+15550000001', body: 'who is this?' })).toBeNull();
    expect(await acknowledgeBySms(deps, { from: '+15559999999', body: 'ACK' })).toBe('This number is not linked to anyone on call; nothing was changed.');
    expect(await acknowledgeBySms(deps, { from: '+15550000001', body: `ACK ${number + 1}` })).toBe(`Nothing is paging you for incident #${number + 1}.`);
    expect((await state()).state).toBe('active');
    expect(await acknowledgeBySms(deps, { from: '+15550000001', body: `  ack #${number} on it` })).toBe(`Acknowledged #${number}: nobody else is paged.`);
    expect(await state()).toEqual({ state: 'acknowledged', acknowledged_by: 'alice', acknowledged_via: 'sms' });
    expect(await acknowledgeBySms(deps, { from: '+15550000001', body: 'ACK' })).toBe('Nothing is paging you right now.');
  });

  it('Discord: a DM button (no guild) names the person by the user id the page went to', async () => {
    const stranger = await acknowledgeByAccount(deps, { platform: 'discord', accountId: 'direct-message:999', escalationId });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'unknown_person' } });
    const dm = await acknowledgeByAccount(deps, { platform: 'discord', accountId: 'direct-message:123456789012345678', escalationId });
    expect(dm).toMatchObject({ ok: true });
    expect(await state()).toEqual({ state: 'acknowledged', acknowledged_by: 'dana', acknowledged_via: 'discord' });
  });
});
