import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { JobQueue } from '../../../src/jobs/job-queue.ts';
import type { ScheduleConfig } from '../../../src/oncall/oncall-settings.ts';
import { acknowledgeByAccount, acknowledgeBySms } from '../../../src/paging/acknowledge-doors.ts';
import { cardPaging } from '../../../src/paging/card-paging.ts';
import { fireDueSteps } from '../../../src/paging/fire-due-steps.ts';
import type { PageablePerson, PagingDependencies } from '../../../src/paging/paging-dependencies.ts';
import { pagingSettings } from '../../../src/paging/paging-settings.ts';
import { startEscalations } from '../../../src/paging/start-escalations.ts';
import { type Paging, startPaging } from '../../../src/paging/start-paging.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import type { PagerPort, PagingChannel } from '../../../src/ports/pager-port.ts';
import { type DatabaseHandle, openDatabase } from '../../../src/storage/open-database.ts';
import { cardTimeline } from '../../../src/chat/card-timeline.ts';
import { insertIncident, testStart } from '../../support/approval-harness.ts';
import { type LogLine, recordingLogger } from '../../support/recording-logger.ts';
import { type PagerCall, RecordingPager } from '../../support/recording-pager.ts';
import { eventually } from '../../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const minutes = (count: number) => count * 60_000;

const people: PageablePerson[] = [
  { id: 'alice', name: 'Alice', accounts: { slack: 'T1:UALICE' }, contacts: { sms: '+15550000001', pagerduty: 'R0UTINGKEY0000000000000000000001' } },
  { id: 'bob', name: 'Bob', accounts: {}, contacts: { sms: '+15550000002' } },
  { id: 'carol', name: 'Carol', accounts: {}, contacts: { ntfy: 'carol-pager' } },
];

const schedules: ScheduleConfig[] = [
  {
    id: 'primary',
    name: 'Primary',
    timeZone: 'Europe/Berlin',
    layers: [{ start: '2026-01-01', handoff: '09:00', length: { weeks: 1 }, people: ['alice'] }],
    overrides: [],
  },
];

// Primary now → Bob after 5 min → Carol (the team lead) after 15 min.
const settings = pagingSettings.parse({
  policies: [
    {
      id: 'default',
      steps: [
        { afterMinutes: 0, schedule: 'primary' },
        { afterMinutes: 5, people: ['bob'] },
        { afterMinutes: 15, people: ['carol'] },
      ],
    },
  ],
  quietMinutes: 60,
  sweepSeconds: 300,
  retryMilliseconds: 1,
});

/** One "process" of the bot as far as paging goes: its own pool, job queue and sweep. */
interface Replica {
  handle: DatabaseHandle;
  jobs: JobQueue;
  paging: Paging | undefined;
  deps: PagingDependencies;
  stop(): Promise<void>;
}

describe('escalation end to end on PostgreSQL, with a manual clock [simulated pagers]', () => {
  let database: TestDatabase;
  let calls: PagerCall[];
  let lines: LogLine[];
  const clock = manualClock(testStart);
  const replicas: Replica[] = [];

  const pagers = () =>
    new Map<PagingChannel, PagerPort>((['sms', 'pagerduty', 'ntfy'] as const).map((channel) => [channel, new RecordingPager(channel, calls)]));

  async function startReplica(options: { deliver?: boolean } = {}): Promise<Replica> {
    const handle = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 4 });
    const jobs = new JobQueue({ connectionString: database.url }, { retryDelaySeconds: 1 });
    await jobs.start();
    const events = new InProcessEventBus();
    const deps: PagingDependencies = {
      db: handle.db,
      jobs,
      clock,
      log: recordingLogger(lines),
      events,
      settings,
      schedules,
      people,
      pagers: pagers(),
    };
    const paging = options.deliver === false ? undefined : await startPaging({ ...deps, jobs, events });
    const replica: Replica = {
      handle,
      jobs,
      paging,
      deps,
      stop: async () => {
        await paging?.stop();
        await jobs.stop();
        await handle.close();
        replicas.splice(replicas.indexOf(replica), 1);
      },
    };
    replicas.push(replica);
    return replica;
  }

  const pages = () => calls.filter((call) => call.action === 'page');
  const waitForPages = (count: number) => eventually(async () => (pages().length >= count ? true : undefined));
  const auditKinds = async () =>
    (await database.handle.db.selectFrom('audit_log').select('kind').where('kind', 'like', 'pag%').orderBy('sequence').execute()).map((row) => row.kind);

  beforeEach(async () => {
    database = await createTestDatabase();
    calls = [];
    lines = [];
    clock.set(testStart);
  });
  afterEach(async () => {
    for (const replica of [...replicas]) await replica.stop();
    await database.drop();
  });

  it('without an acknowledgement fires the steps in order, each when due, and the card says who was paged', async () => {
    const replica = await startReplica();
    const incidentId = await insertIncident(database.handle.db, testStart);
    await replica.paging!.sweep();
    await waitForPages(2);
    expect(pages().map((call) => [call.channel, call.address, call.step])).toEqual(
      expect.arrayContaining([
        ['sms', '+15550000001', 1],
        ['pagerduty', 'R0UTINGKEY0000000000000000000001', 1],
      ]),
    );
    clock.advance(minutes(4));
    await replica.paging!.sweep();
    expect(await fireDueSteps(replica.deps)).toBe(0);
    clock.advance(minutes(1));
    await replica.paging!.sweep();
    await waitForPages(3);
    expect(pages()[2]).toMatchObject({ channel: 'sms', address: '+15550000002', step: 2 });
    clock.advance(minutes(10));
    await replica.paging!.sweep();
    await waitForPages(4);
    expect(pages()[3]).toMatchObject({ channel: 'ntfy', address: 'carol-pager', step: 3 });
    expect(pages()).toHaveLength(4);

    const card = await eventually(async () => {
      const paging = await cardPaging(database.handle.db, incidentId, people);
      return paging?.pages.every((page) => page.state === 'sent') ? paging : undefined;
    });
    expect(card.state).toBe('active');
    expect(card.nextStepAt).toBeNull();
    expect(card.pages.map((page) => `${page.step}:${page.personName}:${page.channel}`)).toEqual([
      '1:Alice:pagerduty',
      '1:Alice:sms',
      '2:Bob:sms',
      '3:Carol:ntfy',
    ]);
    const timeline = cardTimeline({ paging: card, proposal: null, status: 'open', absorbed: [], mergedInto: null } as never).map((line) => line.text);
    expect(timeline).toContain(`Step 2: Bob paged via sms at ${card.pages[2]!.at}.`);
    expect(await auditKinds()).toEqual([
      // The replica's start switched paging on (ADR 0037).
      'paging_switched_on',
      'paging_started',
      'paging_escalated',
      ...Array(2).fill('page_sent'),
      'paging_escalated',
      'page_sent',
      'paging_escalated',
      'page_sent',
    ]);
    expect(lines.some((line) => line.message === 'escalation step 3 fired')).toBe(true);
  });

  it('an acknowledgement at step 2 stops it: step 3 never fires, the provider incident is acknowledged, then resolved', async () => {
    const replica = await startReplica();
    const incidentId = await insertIncident(database.handle.db, testStart);
    await replica.paging!.sweep();
    clock.advance(minutes(5));
    await replica.paging!.sweep();
    await waitForPages(3);
    // Bob answers the SMS.
    expect(await acknowledgeBySms(replica.deps, { from: '+15550000002', body: 'ack' })).toMatch(/^Acknowledged/);
    await eventually(async () => (calls.some((call) => call.action === 'acknowledge') ? true : undefined));
    clock.advance(minutes(30));
    await replica.paging!.sweep();
    expect(pages().map((call) => call.step)).not.toContain(3);
    const escalationId = (await cardPaging(database.handle.db, incidentId, people))!.escalationId;
    // A second acknowledgement (Alice's card button) changes nothing and says who was first.
    const again = await acknowledgeByAccount(replica.deps, { platform: 'slack', accountId: 'T1:UALICE', escalationId });
    expect(again).toMatchObject({ ok: false, error: { code: 'not_active', message: 'Already acknowledged by Bob; nothing more is paged.' } });
    const card = await cardPaging(database.handle.db, incidentId, people);
    expect(card?.acknowledged).toMatchObject({ by: 'Bob', via: 'sms' });

    await database.handle.db.updateTable('incidents').set({ status: 'resolved', resolved_at: clock.now() }).where('id', '=', incidentId).execute();
    await replica.paging!.sweep();
    await eventually(async () => (calls.some((call) => call.action === 'resolve') ? true : undefined));
    expect(calls.filter((call) => call.action !== 'page')).toEqual([
      { channel: 'pagerduty', action: 'acknowledge', address: 'R0UTINGKEY0000000000000000000001', dedupKey: `awoooi-${escalationId}`, step: 0 },
      { channel: 'pagerduty', action: 'resolve', address: 'R0UTINGKEY0000000000000000000001', dedupKey: `awoooi-${escalationId}`, step: 0 },
    ]);
    expect(await auditKinds()).toEqual(expect.arrayContaining(['paging_acknowledged', 'paging_resolved']));
    expect(lines.some((line) => line.message === 'escalation acknowledged' && line.fields.via === 'sms')).toBe(true);
  });

  it('a restart between steps (and before the first pages went out) loses no page and sends none twice', async () => {
    // The first process fires step 1 but dies before any page is delivered.
    const first = await startReplica({ deliver: false });
    await insertIncident(database.handle.db, testStart);
    await startEscalations(first.deps);
    expect(await fireDueSteps(first.deps)).toBe(1);
    await first.stop();
    expect(pages()).toHaveLength(0);

    const second = await startReplica();
    await waitForPages(2);
    clock.advance(minutes(5));
    await second.paging!.sweep();
    await waitForPages(3);
    await second.stop();

    const third = await startReplica();
    await third.paging!.sweep();
    clock.advance(minutes(15));
    await third.paging!.sweep();
    await waitForPages(4);
    await third.paging!.sweep();
    const sent = pages().map((call) => `${call.step}:${call.channel}:${call.address}`);
    expect(sent.sort()).toEqual(['1:pagerduty:R0UTINGKEY0000000000000000000001', '1:sms:+15550000001', '2:sms:+15550000002', '3:ntfy:carol-pager']);
  });

  it('a page still queued when someone acknowledges is not sent, and the card says so', async () => {
    const first = await startReplica({ deliver: false });
    const incidentId = await insertIncident(database.handle.db, testStart);
    await startEscalations(first.deps);
    await fireDueSteps(first.deps);
    const escalationId = (await cardPaging(database.handle.db, incidentId, people))!.escalationId;
    expect(await acknowledgeByAccount(first.deps, { platform: 'slack', accountId: 'T1:UALICE', escalationId })).toMatchObject({ ok: true });
    await first.stop();
    await startReplica();
    const card = await eventually(async () => {
      const paging = await cardPaging(database.handle.db, incidentId, people);
      return paging?.pages.every((page) => page.state === 'cancelled') ? paging : undefined;
    });
    expect(card.pages).toHaveLength(2);
    expect(card.acknowledged).toMatchObject({ by: 'Alice', via: 'slack' });
    expect(pages()).toEqual([]);
  });

  it('two replicas sweeping at the same time page each person once per step', async () => {
    const [one, two] = [await startReplica(), await startReplica()];
    await insertIncident(database.handle.db, testStart);
    for (const at of [0, 5, 15]) {
      clock.set(new Date(testStart.getTime() + minutes(at)));
      await Promise.all([one.paging!.sweep(), two.paging!.sweep(), one.paging!.sweep(), two.paging!.sweep()]);
    }
    await waitForPages(4);
    await Promise.all([one.paging!.sweep(), two.paging!.sweep()]);
    const sent = pages().map((call) => `${call.step}:${call.channel}`);
    expect(sent.sort()).toEqual(['1:pagerduty', '1:sms', '2:sms', '3:ntfy']);
    const escalations = await database.handle.db.selectFrom('paging_escalations').select('id').execute();
    expect(escalations).toHaveLength(1);
  });

  it('a flapping incident is not paged again within the quiet period, and is after it', async () => {
    const replica = await startReplica();
    const incidentId = await insertIncident(database.handle.db, testStart);
    await replica.paging!.sweep();
    await waitForPages(2);
    const flap = async (count: number) => {
      await database.handle.db.updateTable('incidents').set({ status: 'resolved', resolved_at: clock.now() }).where('id', '=', incidentId).execute();
      await replica.paging!.sweep();
      await database.handle.db.updateTable('incidents').set({ status: 'open', resolved_at: null, flaps: count }).where('id', '=', incidentId).execute();
      await replica.paging!.sweep();
    };
    clock.advance(minutes(20));
    await flap(1);
    expect((await cardPaging(database.handle.db, incidentId, people))?.state).toBe('suppressed');
    clock.advance(minutes(60));
    await flap(2);
    await waitForPages(4);
    const states = await database.handle.db.selectFrom('paging_escalations').select(['episode', 'state']).orderBy('episode').execute();
    expect(states).toEqual([
      { episode: 0, state: 'resolved' },
      { episode: 1, state: 'suppressed' },
      { episode: 2, state: 'active' },
    ]);
    expect(await auditKinds()).toContain('paging_suppressed');
  });
});
