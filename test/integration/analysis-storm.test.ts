import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Severity } from '../../src/alerts/alert.ts';
import { analyzeIncident } from '../../src/analysis/analyze-incident.ts';
import { markRemediated } from '../../src/analysis/mark-remediated.ts';
import { dispatchAnalysisRequests } from '../../src/analysis/dispatch-analysis-requests.ts';
import { runIncidentAnalysis } from '../../src/analysis/run-incident-analysis.ts';
import { startAnalysisDispatcher } from '../../src/analysis/start-analysis-dispatcher.ts';
import { JobQueue } from '../../src/jobs/job-queue.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { DatabaseSchema } from '../../src/storage/database-schema.ts';
import { createIngestHarness, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';
import { eventually } from '../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

/** Jobs of the analysis queue by incident and state, as pg-boss stores them. */
async function analysisJobs(db: Kysely<DatabaseSchema>, incidentId?: string): Promise<{ key: string; state: string }[]> {
  const { rows } = await sql<{ key: string; state: string }>`
    SELECT singleton_key AS key, state::text FROM pgboss.job
    WHERE name = 'analyze-incident' AND (${incidentId ?? null}::text IS NULL OR singleton_key = ${incidentId ?? null})
    ORDER BY singleton_key, state`.execute(db);
  return rows;
}

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('analysis under a storm: a debounced queue that keeps up', () => {
  let database: TestDatabase | undefined;
  let harness: IngestHarness | undefined;
  let jobs: JobQueue | undefined;
  afterEach(async () => {
    await jobs?.stop();
    await database?.drop();
    await harness?.close();
    jobs = database = harness = undefined;
  });

  async function startQueue(url: string): Promise<JobQueue> {
    jobs = new JobQueue({ connectionString: url });
    await jobs.start();
    return jobs;
  }

  it('keeps at most one analysis waiting per incident; an enqueue that finds one adds nothing and does not fail its transaction', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    const queue = await startQueue(database.url);
    const [a, b] = ['7a000000-0000-4000-8000-000000000001', '7b000000-0000-4000-8000-000000000002'];
    await queue.enqueue(db, 'analyze-incident', { incidentId: a });
    await db.transaction().execute(async (trx) => {
      await queue.enqueue(trx, 'analyze-incident', { incidentId: a });
      await queue.enqueue(trx, 'analyze-incident', { incidentId: b });
      // The transaction goes on after the no-op: nothing was thrown inside it.
      await sql`SELECT 1`.execute(trx);
    });
    await queue.enqueue(db, 'analyze-incident', { incidentId: a });
    expect(await analysisJobs(db)).toEqual([
      { key: a, state: 'created' },
      { key: b, state: 'created' },
    ]);
  });

  it('runs one analysis per incident at a time with one waiting, others beside it, each job completed or failed on its own', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    const queue = await startQueue(database.url);
    const [slow, quick, failing] = ['5a000000-0000-4000-8000-000000000001', '5b000000-0000-4000-8000-000000000002', '5c000000-0000-4000-8000-000000000003'];
    const slowGate = gate();
    const running = new Map<string, number>();
    let mostAtOnce = 0;
    let mostOfOneIncident = 0;
    const runs: string[] = [];
    await queue.work(
      'analyze-incident',
      async ({ incidentId }) => {
        running.set(incidentId, (running.get(incidentId) ?? 0) + 1);
        mostOfOneIncident = Math.max(mostOfOneIncident, running.get(incidentId)!);
        mostAtOnce = Math.max(
          mostAtOnce,
          [...running.values()].reduce((sum, count) => sum + count, 0),
        );
        try {
          // Every analysis waits on something (the database, a brain): a batch's runs overlap.
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (incidentId === slow && runs.filter((id) => id === slow).length === 0) await slowGate.opened;
          if (incidentId === failing) throw new Error('analysis failed');
        } finally {
          runs.push(incidentId);
          running.set(incidentId, running.get(incidentId)! - 1);
        }
      },
      { batchSize: 8, pollingIntervalSeconds: 0.5 },
    );
    for (const incidentId of [slow, quick, failing]) await queue.enqueue(db, 'analyze-incident', { incidentId });

    // The quick one finished and the failing one failed while the slow one still runs: one batch, side by side.
    await eventually(async () => (runs.includes(quick) && runs.includes(failing) ? true : undefined));
    expect(running.get(slow)).toBe(1);
    expect(mostAtOnce).toBeGreaterThanOrEqual(2);
    const stateOf = async (incidentId: string) => (await analysisJobs(db, incidentId)).map((job) => job.state).join();
    expect(await eventually(async () => ((await stateOf(quick)) === 'completed' ? 'completed' : undefined))).toBe('completed');
    expect(await eventually(async () => ((await stateOf(failing)) === 'retry' ? 'retry' : undefined))).toBe('retry');
    expect(await stateOf(slow)).toBe('active');

    // New alerts for the slow incident meanwhile: one run waits, however many times it is asked for.
    for (const _ of range(3)) await queue.enqueue(db, 'analyze-incident', { incidentId: slow });
    expect(await analysisJobs(db, slow)).toEqual([
      { key: slow, state: 'active' },
      { key: slow, state: 'created' },
    ]);
    slowGate.open();
    await eventually(async () => (runs.filter((id) => id === slow).length === 2 ? true : undefined));
    expect(mostOfOneIncident).toBe(1);
    await eventually(async () => ((await analysisJobs(db, slow)).every((job) => job.state === 'completed') ? true : undefined));
  });

  it('wakes the worker on notify instead of at its next poll', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    const queue = await startQueue(database.url);
    const seen: string[] = [];
    await queue.work('analyze-incident', async ({ incidentId }) => void seen.push(incidentId), { batchSize: 8, pollingIntervalSeconds: 60 });
    // Let the first, empty fetch happen: the worker now sleeps for a minute.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const incidentId = '3c000000-0000-4000-8000-000000000001';
    await queue.enqueue(db, 'analyze-incident', { incidentId });
    queue.notify('analyze-incident');
    expect(await eventually(async () => (seen.includes(incidentId) ? seen : undefined))).toEqual([incidentId]);
  });

  it('turns committed requests into one waiting job per incident, after the commit, shared by two replicas without loss or double', async () => {
    harness = await createIngestHarness();
    const db = harness.deps.db;
    const queue = await startQueue(harness.database.url);
    const incidents: string[] = [];
    for (const index of range(6)) {
      const { incidents: ids } = await harness.ingest(`group-r${index}`, [
        { fingerprint: `r-${index}`, service: ['cart', 'orders-db', 'payments'][index % 3], startsAt: `2026-03-0${index + 1}T10:00:00Z` },
      ]);
      incidents.push(...ids);
    }
    // Asked again and again while the first requests wait: still one job per incident.
    for (const index of range(6)) await harness.ingest(`group-r${index}`, [{ fingerprint: `r-${index}`, status: 'resolved' }]);
    // Six batches opening, six resolving, and each incident's resolution asks once more (the flip requests it).
    const requested = 12 + new Set(incidents).size;
    expect((await harness.requestedAnalyses()).length).toBe(requested);
    // A request not yet committed is invisible: the job that covers it can only start after its commit.
    const uncommitted = gate();
    const holding = db.transaction().execute(async (trx) => {
      await sql`INSERT INTO analysis_requests (incident_id) VALUES (${incidents[0]!}::uuid)`.execute(trx);
      await uncommitted.opened;
    });
    // Two replicas at once: SKIP LOCKED splits the requests; neither waits for the other.
    const [one, two] = await Promise.all([dispatchAnalysisRequests(db, queue), dispatchAnalysisRequests(db, queue)]);
    expect(one.requests + two.requests).toBe(requested);
    expect([...one.incidents, ...two.incidents].sort()).toEqual([...new Set(incidents)].sort());
    expect(await harness.requestedAnalyses()).toEqual([]);
    expect((await analysisJobs(db)).map((job) => job.key).sort()).toEqual([...new Set(incidents)].sort());
    uncommitted.open();
    await holding;
    // Its job still waits: the late request adds nothing, and it is gone.
    expect(await dispatchAnalysisRequests(db, queue)).toEqual({ incidents: [incidents[0]], requests: 1 });
    expect((await analysisJobs(db, incidents[0])).map((job) => job.state)).toEqual(['created']);
  });

  it('dispatches when poked after a commit and, for requests a dead process left, at its next tick', async () => {
    harness = await createIngestHarness();
    const db = harness.deps.db;
    const queue = await startQueue(harness.database.url);
    const dispatcher = startAnalysisDispatcher({ db, jobs: queue, log: silentLogger }, 60_000);
    try {
      harness.deps.analysisRequested = dispatcher.poke;
      const { incidents } = await harness.ingest('group-poke', [{ fingerprint: 'poke-1', service: 'cart' }]);
      expect(await eventually(async () => ((await analysisJobs(db, incidents[0])).length === 1 ? true : undefined))).toBe(true);
      expect(await harness.requestedAnalyses()).toEqual([]);
    } finally {
      await dispatcher.stop();
    }
    // Left by a process that died after its commit: the next dispatcher's tick takes it.
    await sql`INSERT INTO analysis_requests (incident_id) VALUES ('4d000000-0000-4000-8000-000000000001')`.execute(db);
    const ticking = startAnalysisDispatcher({ db, jobs: queue, log: silentLogger }, 200);
    try {
      expect(await eventually(async () => ((await analysisJobs(db, '4d000000-0000-4000-8000-000000000001')).length === 1 ? true : undefined))).toBe(true);
    } finally {
      await ticking.stop();
    }
  });

  it('analyses a 3,000-alert incident from its alert counts: the same result as from every row, reading only sample rows', async () => {
    harness = await createIngestHarness({ poolSize: 1 });
    const db = harness.deps.db;
    const services = ['checkout', 'payments', 'cart', 'api', 'orders-db', 'not-in-topology', undefined];
    const names = ['HighLatency', 'HighErrorRate', 'KubePodCrashLooping'];
    const severities = ['warning', 'critical', 'info'];
    const alertOf = (index: number, status: 'firing' | 'resolved' = 'firing'): TestAlert => ({
      fingerprint: `a-${index}`,
      service: services[index % services.length],
      name: names[Math.floor(index / 7) % names.length],
      severity: severities[Math.floor(index / 21) % severities.length],
      startsAt: new Date(Date.UTC(2026, 2, 1, 8) + index * 1000).toISOString(),
      status,
    });
    let incidentId = '';
    for (const batch of range(6)) {
      const result = await harness.ingest(
        'group-many',
        range(500).map((index) => alertOf(batch * 500 + index)),
      );
      incidentId = result.incidents[0]!;
    }
    // The latest alerts resolve (the first start of each group stays what it was).
    await harness.ingest(
      'group-many',
      range(400).map((index) => alertOf(2600 + index, 'resolved')),
    );

    const rows = await db.selectFrom('alerts').select(['name', 'service', 'severity', 'status', 'starts_at']).where('incident_id', '=', incidentId).execute();
    const graph = harness.deps.graph();
    const expected = analyzeIncident(
      rows
        .sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime())
        .map((row) => ({ name: row.name, service: row.service, severity: row.severity as Severity, status: row.status, startsAt: row.starts_at })),
      graph,
      3,
    );

    await sql`SELECT pg_stat_force_next_flush()`.execute(db);
    const readBefore = await sql<{
      read: string;
    }>`SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS read FROM pg_stat_user_tables WHERE relname = 'alerts'`.execute(db);
    const analysed = await runIncidentAnalysis({ db, graph: () => graph, maxDepth: 3, log: silentLogger }, incidentId);
    await sql`SELECT pg_stat_force_next_flush()`.execute(db);
    const readAfter = await sql<{
      read: string;
    }>`SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS read FROM pg_stat_user_tables WHERE relname = 'alerts'`.execute(db);

    if (!analysed?.changed) throw new Error(`expected a new analysis, got ${JSON.stringify(analysed)}`);
    const { analysis, incident } = analysed;
    expect({ rootCauses: analysis.rootCauses, blastRadius: analysis.blastRadius, unmappedAlerts: analysis.unmappedAlerts }).toEqual(expected);
    const stored = await storedRevision(db, incidentId);
    expect(analysis).toMatchObject({ alertsAnalysed: 3000, revision: Number(stored.alerts_revision) });
    expect(stored.analysis).toMatchObject({ revision: analysis.revision, alertsAnalysed: 3000 });
    // At most one sample alert per (service, name, status, severity) for the brain, firing ones only here.
    const kinds = incident.alerts.map((alert) => `${alert.service}|${alert.name}|${alert.status}|${alert.severity}`);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(incident.alerts.length).toBeLessThanOrEqual(100);
    expect(incident.alerts.every((alert) => alert.status === 'firing')).toBe(true);
    expect(Number(readAfter.rows[0]!.read) - Number(readBefore.rows[0]!.read)).toBeLessThanOrEqual(incident.alerts.length);
  });

  it('re-ranks only when the groups of alerts change: more pods of services already alerting only move the revision', async () => {
    harness = await createIngestHarness();
    const db = harness.deps.db;
    const graph = harness.deps.graph();
    const analyse = () => runIncidentAnalysis({ db, graph: () => graph, maxDepth: 3, log: silentLogger }, incidentId);
    const pods = (from: number, count: number, service: string): TestAlert[] =>
      range(count).map((index) => ({
        fingerprint: `pod-${service}-${from + index}`,
        service,
        name: 'KubePodCrashLooping',
        startsAt: `2026-03-01T10:${String(from + index).padStart(2, '0')}:00Z`,
      }));
    const { incidents } = await harness.ingest('group-pods', [...pods(0, 3, 'checkout'), ...pods(0, 2, 'orders-db')]);
    const incidentId = incidents[0]!;
    const first = await analyse();
    expect(first).toMatchObject({ changed: true });
    if (!first?.changed) throw new Error('expected a new analysis');
    // Until its remediation round is marked done (a process died after the ranking), the same groups are a new round.
    expect(await analyse()).toMatchObject({ changed: true });
    await markRemediated(db, incidentId, first.analysis.inputDigest);

    await harness.ingest('group-pods', [...pods(0, 10, 'checkout'), ...pods(0, 2, 'orders-db')]);
    const again = await analyse();
    const stored = await storedRevision(db, incidentId);
    expect(again).toEqual({ changed: false, revision: Number(stored.alerts_revision), alertsAnalysed: 12 });
    expect(stored.analysis).toMatchObject({
      revision: Number(stored.alerts_revision),
      alertsAnalysed: 12,
      rootCauses: first.analysis.rootCauses,
    });

    // A service that was not alerting joins: a new ranking.
    await harness.ingest('group-pods', [...pods(0, 10, 'checkout'), ...pods(0, 2, 'orders-db'), ...pods(20, 1, 'payments')]);
    const changed = await analyse();
    expect(changed).toMatchObject({ changed: true, analysis: { alertsAnalysed: 13 } });
  });
});

/** The incident's analysis and its revision: the newest stamped on its alert counts. */
async function storedRevision(db: Kysely<DatabaseSchema>, incidentId: string) {
  const { rows } = await sql<{ alerts_revision: string; analysis: unknown }>`
    SELECT (SELECT max(revision) FROM incident_alert_groups WHERE incident_id = incidents.id) AS alerts_revision, analysis
    FROM incidents WHERE id = ${incidentId}::uuid`.execute(db);
  return rows[0]!;
}
