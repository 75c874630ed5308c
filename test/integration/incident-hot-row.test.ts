import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { runIncidentAnalysis } from '../../src/analysis/run-incident-analysis.ts';
import { correlationKeySpaces } from '../../src/incidents/correlation-locks.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createIngestHarness, incidentBookkeeping, type IngestHarness } from '../support/ingest-harness.ts';
import { eventually } from '../support/start-test-bot.ts';

const answeredWithin = (ingestion: Promise<unknown>, milliseconds = 10_000) =>
  Promise.race([ingestion.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, milliseconds, 'blocked'))]);

describe("a storm's batches and their incident's row (ADR 0013)", () => {
  let h: IngestHarness | undefined;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end();
    await h?.close();
    h = holder = undefined;
  });

  async function hold(): Promise<pg.Client> {
    holder = new pg.Client({ connectionString: h!.database.url });
    await holder.connect();
    return holder;
  }

  /** Whether some session waits for an advisory key of the space given. */
  async function waitingIn(space: keyof typeof correlationKeySpaces): Promise<true | undefined> {
    const { rows } = await holder!.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1`, [correlationKeySpaces[space]]);
    return rows.length > 0 ? true : undefined;
  }

  it('neither locks nor writes the row for more of the same; a new service, a worse severity or a later start move it', async () => {
    h = await createIngestHarness();
    const { incidents } = await h.ingest('group-hot', [{ fingerprint: 'h-1', service: 'checkout' }]);
    const id = incidents[0]!;
    const version = async () => (await sql<{ xmin: string }>`SELECT xmin::text FROM incidents WHERE id = ${id}::uuid`.execute(h!.deps.db)).rows[0]!.xmin;
    const before = await version();
    const client = await hold();
    // Another transaction holds the incident's row: batches that bring nothing new about it do not wait for it.
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE', [id]);
    const more = h.ingest('group-hot', [
      { fingerprint: 'h-1', service: 'checkout' },
      { fingerprint: 'h-2', service: 'checkout', startsAt: '2026-03-01T10:20:00Z' },
    ]);
    expect(await answeredWithin(more)).toBe('answered');
    await client.query('COMMIT');
    expect(await version()).toBe(before);
    expect((await incidentBookkeeping(h.database, id)).incident).toMatchObject({ firing_count: 2, services: ['checkout'], severity: 'warning' });

    await h.ingest('group-hot', [
      { fingerprint: 'h-1', service: 'checkout' },
      { fingerprint: 'h-2', service: 'checkout', startsAt: '2026-03-01T10:20:00Z' },
      { fingerprint: 'h-3', service: 'payments', severity: 'critical', startsAt: '2026-03-01T14:00:00Z' },
    ]);
    expect(await version()).not.toBe(before);
    const { rows } = await sql<{ services: string[]; severity: string; last_alert_at: Date }>`
      SELECT services, severity, last_alert_at FROM incidents WHERE id = ${id}::uuid`.execute(h.deps.db);
    expect(rows[0]).toEqual({ services: ['checkout', 'payments'], severity: 'critical', last_alert_at: new Date('2026-03-01T14:00:00Z') });
  });

  it('resolves an incident only after the batches adding firing alerts to it have committed', async () => {
    h = await createIngestHarness();
    const { incidents } = await h.ingest('group-quiet', [{ fingerprint: 'q-1', service: 'cart' }]);
    const id = incidents[0]!;
    const client = await hold();
    // A batch adding a firing alert to the incident is in flight: it holds the incident's key shared.
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [correlationKeySpaces.incident, id]);
    const resolving = h.ingest('group-quiet', [{ fingerprint: 'q-1', service: 'cart', status: 'resolved' }]);
    expect(await eventually(() => waitingIn('incident'))).toBe(true);
    expect((await incidentBookkeeping(h.database, id)).incident).toMatchObject({ status: 'open', firing_count: 0 });
    await client.query('COMMIT');
    await resolving;
    expect((await incidentBookkeeping(h.database, id)).incident).toMatchObject({
      status: 'resolved',
      firing_count: 0,
      resolved_at: new Date('2026-03-01T10:30:00Z'),
    });
  });

  it('starts a batch over when the incident it was adding a firing alert to resolved meanwhile: the alert opens a new one', async () => {
    h = await createIngestHarness();
    const { incidents } = await h.ingest('group-late', [{ fingerprint: 'l-1', service: 'cart' }]);
    const id = incidents[0]!;
    const client = await hold();
    // The incident is being resolved: its key is held exclusive until that commits.
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [correlationKeySpaces.incident, id]);
    await client.query(`UPDATE alerts SET status = 'resolved' WHERE fingerprint = 'l-1'`);
    await client.query(`UPDATE incident_alert_groups SET status = 'resolved' WHERE incident_id = $1`, [id]);
    await client.query(`UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = $1`, [id]);
    const adding = h.ingest('group-late', [
      { fingerprint: 'l-1', service: 'cart' },
      { fingerprint: 'l-2', service: 'cart', startsAt: '2026-03-01T10:05:00Z' },
    ]);
    expect(await eventually(() => waitingIn('incident'))).toBe(true);
    await client.query('COMMIT');
    const answer = await adding;
    const { rows } = await sql<{ fingerprint: string; incident_id: string }>`
      SELECT fingerprint, incident_id FROM alerts WHERE fingerprint = 'l-2'`.execute(h.deps.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.incident_id).not.toBe(id);
    expect(answer.incidents).toContain(rows[0]!.incident_id);
    expect((await incidentBookkeeping(h.database, id)).incident).toMatchObject({ status: 'resolved', firing_count: 0 });
    expect((await incidentBookkeeping(h.database, rows[0]!.incident_id)).incident).toMatchObject({ status: 'open' });
  });

  it('resolves in the analysis an incident whose last alert resolved when the process died before resolving it', async () => {
    h = await createIngestHarness();
    const { incidents } = await h.ingest('group-crash', [{ fingerprint: 'c-1', service: 'payments' }]);
    const id = incidents[0]!;
    await h.ingest('group-crash', [{ fingerprint: 'c-1', service: 'payments', status: 'resolved' }]);
    // As the process left it: the alert resolved and committed, the incident not yet flipped.
    await sql`UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = ${id}::uuid`.execute(h.deps.db);
    const graph = h.deps.graph();
    const analysed = await runIncidentAnalysis({ db: h.deps.db, graph: () => graph, maxDepth: 3, log: silentLogger }, id);
    expect(analysed).toMatchObject({ changed: true, incident: { status: 'resolved' } });
    expect((await incidentBookkeeping(h.database, id)).incident).toMatchObject({ status: 'resolved' });
  });

  it('lets joiners of one service pass each other and makes them wait for an incident being opened next to them', async () => {
    h = await createIngestHarness();
    await h.ingest('group-join', [{ fingerprint: 'j-1', service: 'checkout' }]);
    const client = await hold();
    // Another joiner of checkout is in flight: it holds checkout's key shared.
    await client.query('SELECT pg_advisory_lock_shared($1, hashtext($2))', [correlationKeySpaces.neighbourhood, 'service:checkout']);
    const join = (fingerprint: string) =>
      h!.ingest('group-join', [
        { fingerprint: 'j-1', service: 'checkout' },
        { fingerprint, service: 'checkout', startsAt: '2026-03-01T10:01:00Z' },
      ]);
    expect(await answeredWithin(join('j-2'))).toBe('answered');
    await client.query('SELECT pg_advisory_unlock_all()');
    // An incident is being opened next to checkout: its neighbourhood's keys are held exclusive.
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [correlationKeySpaces.neighbourhood, 'service:checkout']);
    const waiting = join('j-3');
    expect(await eventually(() => waitingIn('neighbourhood'))).toBe(true);
    await client.query('SELECT pg_advisory_unlock_all()');
    expect((await waiting).incidents).toHaveLength(1);
  });
});
