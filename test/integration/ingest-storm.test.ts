import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { correlationKeySpaces } from '../../src/incidents/correlation-locks.ts';
import type { DatabaseSchema } from '../../src/storage/database-schema.ts';
import { createIngestHarness, incidentBookkeeping, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';
import { eventually } from '../support/start-test-bot.ts';

/** Rows of `alerts` read so far by this database's sessions (flushed first: the pool has one connection). */
async function alertRowsRead(db: Kysely<DatabaseSchema>): Promise<number> {
  await sql`SELECT pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<{ read: string }>`
    SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS read FROM pg_stat_user_tables WHERE relname = 'alerts'`.execute(db);
  return Number(rows[0]!.read);
}

const services = ['checkout', 'payments', 'cart', 'api'];
const range = (count: number, from = 0) => Array.from({ length: count }, (_, index) => from + index);

describe('ingest under a storm: incremental incident state and two-phase locks', () => {
  let h: IngestHarness;
  afterEach(async () => h?.close());

  it('costs the same per batch whatever the size of the incident: a re-send into 3,000 alerts reads a handful of alert rows', async () => {
    h = await createIngestHarness({ poolSize: 1 });
    for (const batch of range(6)) {
      await h.ingest(
        'group-big',
        range(500, batch * 500).map((index) => ({ fingerprint: `big-${index}`, service: services[index % services.length] })),
      );
    }
    const before = await alertRowsRead(h.deps.db);
    const resend: TestAlert[] = range(10).map((index) => ({ fingerprint: `big-${index}`, service: services[index % services.length] }));
    resend[0] = { ...resend[0]!, status: 'resolved' };
    const result = await h.ingest('group-big', resend);
    const read = (await alertRowsRead(h.deps.db)) - before;

    expect(result.stored).toBe(10);
    // One index probe per fingerprint and per changed row; re-aggregating the incident would read all 3,000.
    expect(read).toBeLessThan(60);
    const book = await incidentBookkeeping(h.database, result.incidents[0]!);
    expect(book.incident).toMatchObject({ status: 'open', firing_count: 2999, services: ['api', 'cart', 'checkout', 'payments'] });
    expect(book.firingRows).toBe(2999);
    expect(book.groups).toEqual(book.countedGroups);
  });

  it('follows each batch: services by union, the worst severity, status and resolved_at from the count of firing alerts', async () => {
    h = await createIngestHarness();
    const first = await h.ingest('group-follow', [{ fingerprint: 'f-1', service: 'payments' }]);
    const id = first.incidents[0]!;
    await h.ingest('group-follow', [
      { fingerprint: 'f-1', service: 'payments' },
      { fingerprint: 'f-2', service: 'api', severity: 'critical', startsAt: '2026-03-01T10:05:00Z' },
    ]);
    let book = await incidentBookkeeping(h.database, id);
    expect(book.incident).toMatchObject({ status: 'open', firing_count: 2, severity: 'critical', services: ['api', 'payments'], resolved_at: null });
    await h.ingest('group-follow', [
      { fingerprint: 'f-1', service: 'payments', status: 'resolved' },
      { fingerprint: 'f-2', service: 'api', severity: 'critical', startsAt: '2026-03-01T10:05:00Z' },
    ]);
    expect((await incidentBookkeeping(h.database, id)).incident).toMatchObject({ status: 'open', firing_count: 1 });
    await h.ingest('group-follow', [
      { fingerprint: 'f-1', service: 'payments', status: 'resolved' },
      { fingerprint: 'f-2', service: 'api', severity: 'critical', startsAt: '2026-03-01T10:05:00Z', status: 'resolved' },
    ]);
    book = await incidentBookkeeping(h.database, id);
    expect(book.incident).toMatchObject({ status: 'resolved', firing_count: 0, resolved_at: new Date('2026-03-01T10:30:00Z') });
    expect(book.groups).toEqual(book.countedGroups);
    // Identical re-sends change nothing: no new revision, no analysis job.
    const requests = (await h.requestedAnalyses()).length;
    const revision = book.incident.alerts_revision;
    await h.ingest('group-follow', [{ fingerprint: 'f-1', service: 'payments', status: 'resolved' }]);
    expect(requests).toBeGreaterThan(0);
    expect((await h.requestedAnalyses()).length).toBe(requests);
    expect((await incidentBookkeeping(h.database, id)).incident.alerts_revision).toBe(revision);
  });

  it('keeps the firing count exact while two groups carrying the same alerts change them at once', async () => {
    h = await createIngestHarness();
    const shared = range(12).map((index) => ({ fingerprint: `shared-${index}`, service: 'api' }));
    const { incidents } = await h.ingest('group-x', shared);
    // Four groups (routes with different group_by) carry the same alerts and disagree on their state.
    for (const round of range(20)) {
      const snapshot = (seed: number): TestAlert[] =>
        shared.map((alert, index) => ({
          ...alert,
          status: (index * 7 + round * 3 + seed) % 3 === 0 ? 'resolved' : 'firing',
          severity: ['warning', 'critical', 'info'][(index + round + seed) % 3],
          summary: `seen by route ${seed}`,
        }));
      await Promise.all(['group-x', 'group-y', 'group-z', 'group-w'].map((group, seed) => h.ingest(group, snapshot(seed))));
    }
    const book = await incidentBookkeeping(h.database, incidents[0]!);
    expect(book.totalRows).toBe(12);
    expect(book.incident.firing_count).toBe(book.firingRows);
    expect(book.incident.status).toBe(book.firingRows > 0 ? 'open' : 'resolved');
    expect(book.groups).toEqual(book.countedGroups);
  });

  it('re-sends and joins of an open incident take no neighbourhood lock; opening an incident waits for its neighbourhood', async () => {
    h = await createIngestHarness();
    await h.ingest('group-steady', [
      { fingerprint: 's-1', service: 'checkout' },
      { fingerprint: 's-2', service: 'payments' },
    ]);
    const holder = new pg.Client({ connectionString: h.database.url });
    await holder.connect();
    const answered = (ingestion: Promise<unknown>) =>
      Promise.race([ingestion.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, 15_000, 'blocked'))]);
    try {
      // Another ingestion opening an incident next to orders-db holds this key.
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [correlationKeySpaces.neighbourhood, 'service:orders-db']);
      const resend = [
        { fingerprint: 's-1', service: 'checkout', status: 'resolved' as const },
        { fingerprint: 's-2', service: 'payments' },
      ];
      expect(await answered(h.ingest('group-steady', resend))).toBe('answered');
      // A new alert of the group joins its open incident: only checkout's own key.
      expect(await answered(h.ingest('group-steady', [...resend, { fingerprint: 's-3', service: 'checkout' }]))).toBe('answered');

      // A new group, days later, must open an incident next to orders-db: it waits for the key.
      const opening = h.ingest('group-later', [{ fingerprint: 'l-1', service: 'checkout', startsAt: '2026-03-05T10:00:00Z' }]);
      await eventually(async () => {
        const { rows } = await holder.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1`, [
          correlationKeySpaces.neighbourhood,
        ]);
        return rows.length > 0 ? true : undefined;
      });
      await holder.query('SELECT pg_advisory_unlock_all()');
      const opened = await opening;
      expect(opened.incidents).toHaveLength(1);
      expect((await incidentBookkeeping(h.database, opened.incidents[0]!)).incident.services).toEqual(['checkout']);
    } finally {
      await holder.end();
    }
  });

  it('stores a new fingerprint once, in one incident, when two groups carry it at the same moment (phase 2 looks again)', async () => {
    h = await createIngestHarness();
    for (const round of range(8)) {
      const startsAt = new Date(Date.UTC(2026, 2, 2, round)).toISOString();
      // With a service (met by the neighbourhood locks) and without one (met by the alert name's lock).
      for (const service of ['cart', undefined]) {
        const shared: TestAlert = { fingerprint: `new-${round}-${service ?? 'none'}`, name: `Race${round}`, service, startsAt };
        const answers = await Promise.all([
          h.ingest(`group-a-${round}-${service}`, [shared]),
          h.ingest(`group-b-${round}-${service}`, [shared, { fingerprint: `other-${round}-${service}`, name: 'Other', service, startsAt }]),
        ]);
        const { rows } = await sql<{ incident_id: string }>`SELECT incident_id FROM alerts WHERE fingerprint = ${shared.fingerprint}`.execute(h.deps.db);
        expect(rows).toHaveLength(1);
        expect(answers[0].incidents).toEqual([rows[0]!.incident_id]);
        expect(answers[1].incidents).toContain(rows[0]!.incident_id);
      }
    }
  });
});
