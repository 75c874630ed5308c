import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import { startChatPublisher, type ChatPublisher } from '../../../src/chat/start-chat-publisher.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { JobQueue } from '../../../src/jobs/job-queue.ts';
import { systemClock } from '../../../src/ports/clock.ts';
import { insertIncident, testStart } from '../../support/approval-harness.ts';
import { recordingLogger } from '../../support/recording-logger.ts';
import { ScriptedChat } from '../../support/scripted-chat.ts';
import { eventually } from '../../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const card = (incidentId: string, title: string): IncidentCard => ({
  incidentId,
  number: 1,
  title,
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

/** The publisher on the real job queue (pg-boss on PostgreSQL) with simulated chats. */
describe('chat publisher jobs [simulated chat]', () => {
  let database: TestDatabase;
  let jobs: JobQueue;
  let publisher: ChatPublisher | undefined;
  const events = new InProcessEventBus();
  beforeEach(async () => {
    database = await createTestDatabase();
    jobs = new JobQueue({ connectionString: database.url }, { retryDelaySeconds: 1 });
    await jobs.start();
  });
  afterEach(async () => {
    publisher?.stop();
    await jobs.stop();
    await database.drop();
  });

  it('coalesces a burst of changes into a few runs and one message', async () => {
    const incidentId = await insertIncident(database.handle.db);
    let builds = 0;
    let title = 'first';
    const chat = new ScriptedChat();
    publisher = await startChatPublisher({
      db: database.handle.db,
      jobs,
      events,
      clock: systemClock,
      log: recordingLogger(),
      chats: [chat],
      buildCard: async () => {
        builds += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return card(incidentId, title);
      },
    });
    await eventually(async () => (chat.calls.length === 1 ? true : undefined));
    const before = builds;
    for (let change = 0; change < 50; change++) {
      title = `change ${change}`;
      await events.publish({ type: 'incident-updated', incidentId });
    }
    await eventually(async () => (chat.calls.some((call) => call.kind === 'update') && (await jobs.pending('publish-chat-card')) === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(builds - before).toBeLessThanOrEqual(3);
    expect(chat.calls.filter((call) => call.kind === 'post')).toHaveLength(1);
    expect(chat.calls.filter((call) => call.kind === 'update').length).toBeLessThanOrEqual(2);
  });

  it('keeps a rate-limited update queued until the platform allows it, while another platform goes ahead', async () => {
    const incidentId = await insertIncident(database.handle.db);
    const [slack, telegram] = [new ScriptedChat('slack'), new ScriptedChat('telegram')];
    let title = 'first';
    const log = recordingLogger();
    publisher = await startChatPublisher({
      db: database.handle.db,
      jobs,
      events,
      clock: systemClock,
      log,
      chats: [slack, telegram],
      buildCard: async () => card(incidentId, title),
    });
    await eventually(async () => (slack.calls.length === 1 && telegram.calls.length === 1 ? true : undefined));

    slack.failures.update = { code: 'rate_limited', message: '429', retryable: true, retryAfterMilliseconds: 4_000 };
    title = 'second';
    await events.publish({ type: 'incident-updated', incidentId });
    const deferred = () => log.lines.some((line) => line.message.includes('deferred') && line.fields['platform'] === 'slack');
    await eventually(async () => (telegram.calls.some((call) => call.kind === 'update') && deferred() ? true : undefined));
    // Slack asked for 4 s: its one refused update is all it got meanwhile, Telegram's went through.
    expect(slack.calls.filter((call) => call.kind === 'update')).toHaveLength(1);

    await eventually(async () => (slack.calls.filter((call) => call.kind === 'update').length === 2 ? true : undefined));
    expect(telegram.calls.filter((call) => call.kind === 'update')).toHaveLength(1);
  });
});
