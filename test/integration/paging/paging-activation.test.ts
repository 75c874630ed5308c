import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardTimeline } from '../../../src/chat/card-timeline.ts';
import { startBot } from '../../../src/cli/start-bot.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { JobQueue } from '../../../src/jobs/job-queue.ts';
import { deactivatePaging, openBeforePaging } from '../../../src/paging/activate-paging.ts';
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
import { eventually } from '../../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const minutes = (count: number) => count * 60_000;
const people: PageablePerson[] = [
  { id: 'alice', name: 'Alice', accounts: {}, contacts: { sms: '+15550000001' } },
  { id: 'carol', name: 'Carol', accounts: {}, contacts: { ntfy: 'carol-pager' } },
];
const policies = [
  { id: 'urgent', match: { severities: ['critical'] }, steps: [{ afterMinutes: 0, people: ['carol'] }] },
  { id: 'default', steps: [{ afterMinutes: 0, people: ['alice'] }] },
];
const settings = pagingSettings.parse({ policies, sweepSeconds: 300, retryMilliseconds: 1 });

/** Switching paging on pages what opens from then on, not the incidents already open (ADR 0037). */
describe('paging switched on with incidents already open [simulated pagers, manual clock]', () => {
  let database: TestDatabase;
  let calls: PagerCall[];
  let lines: LogLine[];
  const clock = manualClock(testStart);
  const running: { paging: Paging; jobs: JobQueue; handle: DatabaseHandle }[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    calls = [];
    lines = [];
    clock.set(testStart);
  });
  afterEach(async () => {
    for (const one of running.splice(0)) await stop(one);
    await database.drop();
  });

  /** One start of the bot as far as paging goes. */
  async function start() {
    const handle = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 4 });
    const jobs = new JobQueue({ connectionString: database.url }, { retryDelaySeconds: 1 });
    await jobs.start();
    const events = new InProcessEventBus();
    const pagers = new Map<PagingChannel, PagerPort>((['sms', 'ntfy'] as const).map((channel) => [channel, new RecordingPager(channel, calls)]));
    const deps: PagingDependencies = { db: handle.db, jobs, clock, log: recordingLogger(lines), events, settings, schedules: [], people, pagers };
    const one = { paging: await startPaging({ ...deps, jobs, events }), jobs, handle };
    running.push(one);
    return one;
  }
  async function stop(one: (typeof running)[number]) {
    await one.paging.stop();
    await one.jobs.stop();
    await one.handle.close();
    running.splice(running.indexOf(one), 1);
  }

  const db = () => database.handle.db;
  const open = (title: string, severity: string) => insertIncident(db(), clock.now(), { title, severity });
  const pages = () => calls.filter((call) => call.action === 'page').map((call) => call.address);
  const waitForPages = (count: number) => eventually(async () => (pages().length >= count ? pages() : undefined));
  const switchedOn = () => lines.filter((line) => line.message.startsWith('paging switched on'));

  it('skips the open backlog once (logged with the count), pages what opens later, and a backlog incident whose severity rises', async () => {
    const backlog = [await open('old warning', 'warning'), await open('old critical', 'critical')];
    clock.advance(minutes(30));
    const first = await start();
    expect(switchedOn()).toEqual([
      expect.objectContaining({
        message: 'paging switched on: 2 incidents already open are not paged retroactively',
        fields: expect.objectContaining({ skipped: 2 }),
      }),
    ]);
    await first.paging.sweep();
    const fresh = await open('new warning', 'warning');
    await first.paging.sweep();
    expect(await waitForPages(1)).toEqual(['+15550000001']);
    for (const id of backlog) {
      const card = await cardPaging(db(), id, people);
      expect(card).toMatchObject({ state: 'suppressed', note: openBeforePaging, pages: [] });
      expect(cardTimeline({ paging: card, proposal: null, status: 'open', absorbed: [], mergedInto: null } as never).map((line) => line.text)).toEqual([
        `Not paged: ${openBeforePaging}.`,
      ]);
    }
    expect((await cardPaging(db(), fresh, people))?.state).toBe('active');

    // The old warning turns critical: news, paged now by the critical policy.
    await db().updateTable('incidents').set({ severity: 'critical' }).where('id', '=', backlog[0]!).execute();
    await first.paging.sweep();
    expect(await waitForPages(2)).toEqual(['+15550000001', 'carol-pager']);
    expect(await cardPaging(db(), backlog[0]!, people)).toMatchObject({ state: 'active', policy: 'urgent', round: 1 });

    // A restart is not a new switch-on: what opened while the process was down is paged, nothing is skipped.
    await stop(first);
    const meanwhile = await open('opened while down', 'warning');
    const second = await start();
    await second.paging.sweep();
    expect(await waitForPages(3)).toEqual(['+15550000001', 'carol-pager', '+15550000001']);
    expect((await cardPaging(db(), meanwhile, people))?.state).toBe('active');
    expect(switchedOn()).toHaveLength(1);
    expect((await cardPaging(db(), backlog[1]!, people))?.state).toBe('suppressed');
    const audit = await db().selectFrom('audit_log').select('details').where('kind', '=', 'paging_switched_on').execute();
    expect(audit).toEqual([{ details: expect.objectContaining({ skipped: 2, incidents: backlog }) }]);
  });

  it('switched off and on again: what opened while it was off is not paged either', async () => {
    const first = await start();
    const before = await open('paged', 'warning');
    await first.paging.sweep();
    await waitForPages(1);
    await stop(first);
    await deactivatePaging(db(), recordingLogger(lines));
    expect(lines.some((line) => line.message === 'paging switched off: no paging.policies configured')).toBe(true);
    const whileOff = await open('opened while paging was off', 'critical');
    const again = await start();
    await again.paging.sweep();
    expect(switchedOn().map((line) => line.fields.skipped)).toEqual([0, 1]);
    expect(await cardPaging(db(), whileOff, people)).toMatchObject({ state: 'suppressed', note: openBeforePaging });
    expect((await cardPaging(db(), before, people))?.state).toBe('active');
    const after = await open('after', 'critical');
    await again.paging.sweep();
    expect(await waitForPages(2)).toEqual(['+15550000001', 'carol-pager']);
    expect((await cardPaging(db(), after, people))?.state).toBe('active');
  });
});

describe('the running bot, first without paging, then with a policy [fake ntfy API]', () => {
  it('pages the alert that arrives after paging was configured, not the incident already open', async () => {
    const api = new FakePagingApi({ status: 200, body: {} });
    const ntfy = await api.start();
    const database = await createTestDatabase();
    const logged: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          logged.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    );
    const configured = (paging: Record<string, unknown>) =>
      configSchema.parse({
        server: { port: 0, logLevel: 'silent' },
        storage: { databaseUrl: database.url },
        incidents: { resolveGraceSeconds: 0 },
        approvals: { people: [{ id: 'alice', name: 'Alice', roles: ['sre'], accounts: {}, contacts: { ntfy: 'alice-pager' } }] },
        paging,
      });
    const post = (url: string, name: string) =>
      fetch(`${url}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ name, labels: { service: name.toLowerCase() }, severity: 'critical', fingerprint: name }]),
      });
    try {
      // The provider is configured, but no policy: paging is off.
      const unpaged = await startBot(configured({ ntfy: { url: ntfy } }), log);
      if (!unpaged.ok) throw new Error(unpaged.errors.join('\n'));
      expect((await post(unpaged.bot.url, 'CheckoutDown')).status).toBe(200);
      await unpaged.bot.close();

      const paged = await startBot(
        configured({ policies: [{ id: 'default', steps: [{ afterMinutes: 0, people: ['alice'] }] }], sweepSeconds: 0.2, ntfy: { url: ntfy } }),
        log,
      );
      if (!paged.ok) throw new Error(paged.errors.join('\n'));
      try {
        expect((await post(paged.bot.url, 'CartDown')).status).toBe(200);
        const sent = await eventually(async () => (api.requests.length > 0 ? api.requests : undefined));
        // Without the activation the old incident is paged by the sweep at start-up, before the new alert arrives.
        expect(sent.map((request) => JSON.parse(request.body).message as string)).toEqual([expect.stringContaining('CartDown')]);
        const states = await database.handle.db
          .selectFrom('paging_escalations')
          .innerJoin('incidents', 'incidents.id', 'paging_escalations.incident_id')
          .select(['incidents.title', 'paging_escalations.state'])
          .orderBy('incidents.opened_at')
          .execute();
        expect(states).toEqual([
          { title: expect.stringContaining('CheckoutDown'), state: 'suppressed' },
          { title: expect.stringContaining('CartDown'), state: 'active' },
        ]);
        expect(logged.filter((line) => String(line.msg).startsWith('paging switched on'))).toEqual([expect.objectContaining({ skipped: 1 })]);
      } finally {
        await paged.bot.close();
      }
    } finally {
      await database.drop();
      await api.stop();
    }
  }, 20_000);
});
