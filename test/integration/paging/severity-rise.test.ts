import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardTimeline } from '../../../src/chat/card-timeline.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { JobQueue } from '../../../src/jobs/job-queue.ts';
import { acknowledgeBySms } from '../../../src/paging/acknowledge-doors.ts';
import { cardPaging } from '../../../src/paging/card-paging.ts';
import type { PageablePerson, PagingDependencies } from '../../../src/paging/paging-dependencies.ts';
import { pagingSettings } from '../../../src/paging/paging-settings.ts';
import { type Paging, startPaging } from '../../../src/paging/start-paging.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import type { PagerPort, PagingChannel } from '../../../src/ports/pager-port.ts';
import { type DatabaseHandle, openDatabase } from '../../../src/storage/open-database.ts';
import { insertIncident, testStart } from '../../support/approval-harness.ts';
import { FakePagingApi } from '../../support/fake-paging-api.ts';
import { type LogLine, recordingLogger } from '../../support/recording-logger.ts';
import { type PagerCall, RecordingPager } from '../../support/recording-pager.ts';
import { eventually, startTestBot, type TestBot } from '../../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const minutes = (count: number) => count * 60_000;

const people: PageablePerson[] = [
  { id: 'alice', name: 'Alice', accounts: {}, contacts: { sms: '+15550000001' } },
  { id: 'bob', name: 'Bob', accounts: {}, contacts: { sms: '+15550000002' } },
  { id: 'carol', name: 'Carol', accounts: {}, contacts: { ntfy: 'carol-pager' } },
];

// Critical incidents page Carol (the lead) at once and Bob after 10 minutes; the rest page Alice, then Bob after 5.
const settings = pagingSettings.parse({
  policies: [
    {
      id: 'urgent',
      match: { severities: ['critical'] },
      steps: [
        { afterMinutes: 0, people: ['carol'] },
        { afterMinutes: 10, people: ['bob'] },
      ],
    },
    {
      id: 'default',
      steps: [
        { afterMinutes: 0, people: ['alice'] },
        { afterMinutes: 5, people: ['bob'] },
      ],
    },
  ],
  sweepSeconds: 300,
  retryMilliseconds: 1,
});

/** A rise in severity chooses the escalation policy again (ADR 0037), on PostgreSQL with a manual clock. */
describe('an incident whose severity rises is escalated by the policy of its new severity [simulated pagers]', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let jobs: JobQueue;
  let paging: Paging;
  let deps: PagingDependencies;
  let calls: PagerCall[];
  let lines: LogLine[];
  const clock = manualClock(testStart);

  beforeEach(async () => {
    database = await createTestDatabase();
    calls = [];
    lines = [];
    clock.set(testStart);
    handle = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 4 });
    jobs = new JobQueue({ connectionString: database.url }, { retryDelaySeconds: 1 });
    await jobs.start();
    const events = new InProcessEventBus();
    const pagers = new Map<PagingChannel, PagerPort>((['sms', 'ntfy'] as const).map((channel) => [channel, new RecordingPager(channel, calls)]));
    deps = { db: handle.db, jobs, clock, log: recordingLogger(lines), events, settings, schedules: [], people, pagers };
    paging = await startPaging({ ...deps, jobs, events });
  });
  afterEach(async () => {
    await paging.stop();
    await jobs.stop();
    await handle.close();
    await database.drop();
  });

  const db = () => database.handle.db;
  const open = (severity: string) => insertIncident(db(), clock.now(), { title: 'checkout slow', severity });
  // What the ingest does when a more severe alert joins (applyIncidentChanges); a merge may do the same.
  const setSeverity = (id: string, severity: string) => db().updateTable('incidents').set({ severity }).where('id', '=', id).execute();
  const pages = () => calls.filter((call) => call.action === 'page').map((call) => `${call.step}:${call.address}`);
  const waitForPages = (count: number) => eventually(async () => (pages().length >= count ? pages() : undefined));
  const sweepAt = async (minute: number) => {
    clock.set(new Date(testStart.getTime() + minutes(minute)));
    await paging.sweep();
  };
  const policyChanges = async () =>
    (await db().selectFrom('audit_log').select('details').where('kind', '=', 'paging_policy_changed').orderBy('sequence').execute()).map(
      (row) => row.details as Record<string, unknown>,
    );

  it('warning → critical while the escalation runs: the critical policy pages its first step at once and its later steps from the rise', async () => {
    const incidentId = await open('warning');
    await sweepAt(0);
    expect(await waitForPages(1)).toEqual(['1:+15550000001']);
    await setSeverity(incidentId, 'critical');
    await sweepAt(2);
    expect(await waitForPages(2)).toEqual(['1:+15550000001', '1:carol-pager']);
    // The default policy's step 2 (Bob at minute 5) is gone; the urgent one's (Bob at 10 after the rise) comes at 12.
    await sweepAt(5);
    await sweepAt(11);
    expect(pages()).toHaveLength(2);
    await sweepAt(12);
    expect(await waitForPages(3)).toEqual(['1:+15550000001', '1:carol-pager', '2:+15550000002']);

    expect(await policyChanges()).toEqual([
      expect.objectContaining({ from: 'default', to: 'urgent', severity: 'critical', previousSeverity: 'warning', paged: true }),
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'severity rose: another escalation policy pages from its first step',
        fields: expect.objectContaining({ incidentId }),
      }),
    );
    const card = await eventually(async () => {
      const found = await cardPaging(db(), incidentId, people);
      return found?.pages.every((page) => page.state === 'sent') ? found : undefined;
    });
    expect(card).toMatchObject({ policy: 'urgent', severity: 'critical', round: 1, state: 'active' });
    const timeline = cardTimeline({ paging: card, proposal: null, status: 'open', absorbed: [], mergedInto: null } as never).map((line) => line.text);
    expect(timeline).toContain('Severity rose to critical: escalation policy urgent applies now.');
    expect(timeline.filter((text) => text.startsWith('Step 1: Carol paged via ntfy'))).toHaveLength(1);
  });

  it('after every step fired, a rise still pages the new policy; a fall, or a rise the same policy covers, pages nobody', async () => {
    const incidentId = await open('info');
    await sweepAt(0);
    await sweepAt(5);
    expect(await waitForPages(2)).toEqual(['1:+15550000001', '2:+15550000002']);
    // Still the default policy: nothing new.
    await setSeverity(incidentId, 'warning');
    await sweepAt(20);
    expect(pages()).toHaveLength(2);
    expect(await policyChanges()).toEqual([]);
    await setSeverity(incidentId, 'critical');
    await sweepAt(30);
    expect(await waitForPages(3)).toEqual(['1:+15550000001', '2:+15550000002', '1:carol-pager']);
    // Falling back changes nothing: no new policy, no page, Bob still comes at 10 minutes after the rise.
    await setSeverity(incidentId, 'warning');
    await sweepAt(35);
    expect(pages()).toHaveLength(3);
    expect((await cardPaging(db(), incidentId, people))?.policy).toBe('urgent');
    await sweepAt(40);
    expect(await waitForPages(4)).toEqual(['1:+15550000001', '2:+15550000002', '1:carol-pager', '2:+15550000002']);
    expect(await policyChanges()).toHaveLength(1);
  });

  it('after an acknowledgement the new policy is recorded, and nobody is paged', async () => {
    const incidentId = await open('warning');
    await sweepAt(0);
    await waitForPages(1);
    expect(await acknowledgeBySms(deps, { from: '+15550000001', body: 'ACK' })).toMatch(/^Acknowledged/);
    await setSeverity(incidentId, 'critical');
    await sweepAt(1);
    await sweepAt(30);
    expect(pages()).toEqual(['1:+15550000001']);
    expect(await policyChanges()).toEqual([expect.objectContaining({ from: 'default', to: 'urgent', paged: false })]);
    expect(await cardPaging(db(), incidentId, people)).toMatchObject({ state: 'acknowledged', policy: 'urgent', round: 1 });
    expect(lines.some((line) => line.message === 'severity rose: another escalation policy applies (already acknowledged)')).toBe(true);
  });
});

describe('the running bot: a critical alert joining a warning incident [fake ntfy API]', () => {
  let api: FakePagingApi;
  let test: TestBot;
  beforeEach(async () => {
    api = new FakePagingApi({ status: 200, body: {} });
    const url = await api.start();
    test = await startTestBot({
      approvals: {
        people: [
          { id: 'alice', name: 'Alice', roles: ['sre'], accounts: {}, contacts: { ntfy: 'alice-pager' } },
          { id: 'carol', name: 'Carol', roles: ['sre'], accounts: {}, contacts: { ntfy: 'carol-pager' } },
        ],
      },
      paging: {
        policies: [
          { id: 'urgent', match: { severities: ['critical'] }, steps: [{ afterMinutes: 0, people: ['carol'] }] },
          { id: 'default', steps: [{ afterMinutes: 0, people: ['alice'] }] },
        ],
        sweepSeconds: 0.2,
        ntfy: { url },
      },
    } as never);
  });
  afterEach(async () => {
    await test.close();
    await api.stop();
  });

  it('pages the critical policy once the ingest raised the incident to critical', async () => {
    const post = (fingerprint: string, severity: string) =>
      fetch(`${test.bot.url}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ name: 'CheckoutSlow', labels: { service: 'checkout' }, severity, fingerprint }]),
      });
    const topics = () => api.requests.map((request) => (JSON.parse(request.body) as { topic: string }).topic);
    expect((await post('slow-1', 'warning')).status).toBe(200);
    expect(await eventually(async () => (topics().length > 0 ? topics() : undefined))).toEqual(['alice-pager']);
    expect((await post('slow-2', 'critical')).status).toBe(200);
    expect(await eventually(async () => (topics().length > 1 ? topics() : undefined))).toEqual(['alice-pager', 'carol-pager']);
    const escalations = await test.database.handle.db.selectFrom('paging_escalations').select(['policy', 'severity', 'round']).execute();
    expect(escalations).toEqual([{ policy: 'urgent', severity: 'critical', round: 1 }]);
  });
});
