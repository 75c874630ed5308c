import { type KyselyPlugin, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestAlerts } from '../../src/ingest/ingest-alerts.ts';
import { SettledAlerts } from '../../src/ingest/settled-alerts.ts';
import { alertmanagerPayload, createIngestHarness, incidentBookkeeping, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';

// Records the fingerprints each read of stored occurrences asked for (the statements marked latest-occurrences and
// read-under-locks),
// and how many times the ingest took advisory locks (the statement marked lock-correlation-keys).
function occurrenceReads(): { plugin: KyselyPlugin; reads: string[][]; locks: { count: number }; marked: string[] } {
  const reads: string[][] = [];
  const locks = { count: 0 };
  const marked: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      // The marker is a raw fragment among the parameters: `${prepared('latest-occurrences')}`.
      const parameters = (node as { parameters?: readonly unknown[] }).parameters ?? [];
      const marker = node.kind === 'RawNode' ? JSON.stringify(parameters[0] ?? null) : '';
      if (marker.includes('prepared:lock-correlation-keys')) locks.count++;
      const name = /prepared:([a-z-]+)/.exec(marker)?.[1];
      if (name) marked.push(name);
      // Both reads of stored occurrences; their first array is the fingerprints.
      if (marker.includes('prepared:latest-occurrences') || marker.includes('prepared:read-under-locks')) {
        reads.push(firstArray(parameters) ?? []);
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { plugin, reads, locks, marked };
}

// The first array value among a raw statement's parameters, in order, fragments included (`${occurrencesOf(…)}`).
function firstArray(parameters: readonly unknown[]): string[] | undefined {
  for (const parameter of parameters) {
    const node = parameter as { value?: unknown; parameters?: readonly unknown[] };
    if (Array.isArray(node.value)) return node.value as string[];
    const nested = node.parameters ? firstArray(node.parameters) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

const at = '2026-03-01T10:00:00Z';
const group = (alerts: TestAlert[]) => alerts.map((alert) => ({ service: 'api', startsAt: at, ...alert }));

describe('what the process stored last is not read again (ADR 0039) [real PostgreSQL]', () => {
  let h: IngestHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reads no stored alert for a group re-sent as it was, and only the changed ones, once, of a group that changed', async () => {
    const { plugin, reads, marked, locks } = occurrenceReads();
    h = await createIngestHarness();
    h.deps.db = h.deps.db.withPlugin(plugin);
    const snapshot = group([{ fingerprint: 's-1' }, { fingerprint: 's-2' }, { fingerprint: 's-3' }]);
    const first = await h.ingest('g', snapshot);
    expect(reads[0]?.sort()).toEqual(['s-1', 's-2', 's-3']);

    reads.length = 0;
    const again = await h.ingest('g', snapshot);
    expect(again).toMatchObject({ stored: 3, ignored: 0, incidents: first.incidents });
    expect(reads.flat()).toEqual([]);

    reads.length = 0;
    marked.length = 0;
    locks.count = 0;
    await h.ingest('g', [...snapshot.slice(0, 2), { ...snapshot[2]!, status: 'resolved' }, { fingerprint: 's-4', service: 'api', startsAt: at }]);
    // Every key in one statement: the group's, the new alert's, and the incident it was expected to join.
    expect(locks.count).toBe(1);
    // The incident already holds the service, the severity and the start: its row is not updated.
    expect(marked).not.toContain('apply-incident-changes');
    expect(marked).toContain('write-alerts');
    // One read, under the batch's locks: a few unknown alerts in a remembered group are taken for new ones.
    expect(reads.map((read) => [...read].sort())).toEqual([['s-3', 's-4']]);
    const { rows } = await sql<{ status: string; n: number }>`
      SELECT status, count(*)::int AS n FROM alerts GROUP BY status ORDER BY status`.execute(h.deps.db);
    expect(rows).toEqual([
      { status: 'firing', n: 3 },
      { status: 'resolved', n: 1 },
    ]);
    // Every batch queued its receipt, the re-send too.
    const { rows: receipts } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_outbox WHERE kind = 'alert_received'`.execute(h.deps.db);
    expect(receipts[0]!.n).toBe(3);
  });

  it('reads first without a lock a re-send it does not remember (another replica’s, or after a start), and locks nothing', async () => {
    const { plugin, reads, locks } = occurrenceReads();
    h = await createIngestHarness();
    h.deps.db = h.deps.db.withPlugin(plugin);
    const snapshot = group([{ fingerprint: 'u-1' }, { fingerprint: 'u-2' }, { fingerprint: 'u-3' }]);
    const first = await h.ingest('g', snapshot);
    const restarted = { ...h.deps, settled: new SettledAlerts() };
    reads.length = 0;
    locks.count = 0;
    const resent = await ingestAlerts(restarted, 'alertmanager', alertmanagerPayload('g', snapshot));
    expect(resent).toMatchObject({ ok: true, stored: 3, incidents: first.incidents });
    expect(reads.map((read) => [...read].sort())).toEqual([['u-1', 'u-2', 'u-3']]);
    expect(locks.count).toBe(0);
    // And remembers them: the next re-send reads nothing.
    reads.length = 0;
    await ingestAlerts(restarted, 'alertmanager', alertmanagerPayload('g', snapshot));
    expect(reads).toEqual([]);
  });

  it('two replicas, each remembering its own, receiving one Alertmanager HA pair’s sends in any order: counts equal rows, no alert twice', async () => {
    h = await createIngestHarness({ deps: { resolveGraceMilliseconds: 0 } });
    const replicas = [h.deps, { ...h.deps, settled: new SettledAlerts() }];
    const send = (replica: number, alerts: TestAlert[]) => ingestAlerts(replicas[replica]!, 'alertmanager', alertmanagerPayload('g-ha', alerts));
    // Ten alerts of one service; each round some resolve, some fire again with a new start, one changes severity;
    // every fourth round all resolve (the incident resolves, and the next round's alerts start a new occurrence).
    const snapshot = (round: number): TestAlert[] =>
      Array.from({ length: 10 }, (_, index) => {
        const resolved = round % 4 === 3 || (index + round) % 4 === 0;
        return {
          fingerprint: `ha-${index}`,
          service: 'api',
          status: resolved ? ('resolved' as const) : ('firing' as const),
          severity: index === round % 10 ? 'critical' : 'warning',
          // A new occurrence starts later: the one after each resolution.
          startsAt: new Date(Date.UTC(2026, 2, 1, 10, round + Math.floor((index + round + 3) / 4))).toISOString(),
        };
      });
    for (let round = 0; round < 12; round++) {
      const latest = snapshot(round);
      // Both members of the HA pair deliver; a late copy of the previous snapshot arrives at the same moment.
      const outcomes = await Promise.all([send(0, latest), send(1, latest), ...(round > 0 ? [send(round % 2, snapshot(round - 1))] : [])]);
      for (const outcome of outcomes) expect(outcome.ok).toBe(true);
      // The newest snapshot once more from each, as the next group interval does.
      await send(0, latest);
      await send(1, latest);
      const { rows } = await sql<{ fingerprint: string; rows: number }>`
        SELECT fingerprint, count(*)::int AS rows FROM alerts WHERE fingerprint LIKE 'ha-%' AND incident_id IN (
          SELECT id FROM incidents WHERE status = 'open') GROUP BY fingerprint HAVING count(*) > 1`.execute(h.deps.db);
      expect(rows).toEqual([]);
      const { rows: open } = await sql<{ id: string }>`SELECT DISTINCT incident_id AS id FROM alerts WHERE fingerprint LIKE 'ha-%'`.execute(h.deps.db);
      for (const { id } of open) {
        const book = await incidentBookkeeping(h.database, id);
        expect(book.groups).toEqual(book.countedGroups);
        expect(book.incident.firing_count).toBe(book.firingRows);
      }
      // The newest stored occurrence of each alert is in the newest snapshot's state (one resolved before it was
      // ever seen firing is not stored at all).
      const { rows: newest } = await sql<{ fingerprint: string; status: string }>`
        SELECT DISTINCT ON (fingerprint) fingerprint, status FROM alerts WHERE fingerprint LIKE 'ha-%'
        ORDER BY fingerprint, received_at DESC`.execute(h.deps.db);
      const stored = new Map(newest.map((row) => [row.fingerprint, row.status]));
      for (const alert of latest) expect(stored.get(alert.fingerprint) ?? 'resolved').toBe(alert.status);
    }
    const { rows: incidents } = await sql<{ status: string }>`SELECT status FROM incidents ORDER BY opened_at`.execute(h.deps.db);
    // It resolved three times and came back: more than one incident, never two open at once.
    expect(incidents.length).toBeGreaterThan(1);
    expect(incidents.filter((incident) => incident.status === 'open').length).toBeLessThanOrEqual(1);
  });

  it('writes again what another replica overwrote since: a remembered alert whose row changed is no longer taken as stored', async () => {
    h = await createIngestHarness();
    const other = { ...h.deps, settled: new SettledAlerts() };
    const firing = group([{ fingerprint: 'o-1' }, { fingerprint: 'o-2' }]);
    const resolvedOne = [{ ...firing[0]!, status: 'resolved' as const }, firing[1]!];
    await h.ingest('g', firing);
    // This process stores o-1 resolved (and remembers it so); o-2 keeps the incident open.
    await h.ingest('g', resolvedOne);
    // The other replica gets a late copy of the older snapshot: o-1 firing again, written over the resolution.
    await ingestAlerts(other, 'alertmanager', alertmanagerPayload('g', firing));
    const status = async () =>
      (await sql<{ status: string }>`SELECT status FROM alerts WHERE fingerprint = 'o-1'`.execute(h!.deps.db)).rows.map((row) => row.status);
    expect(await status()).toEqual(['firing']);
    // The next send of the newest snapshot reaches this process: o-1 must end resolved, as sent.
    await h.ingest('g', resolvedOne);
    expect(await status()).toEqual(['resolved']);
  });

  it('answers with the survivor when another process merged the incident it remembers, and queues the receipt once', async () => {
    h = await createIngestHarness();
    // The demo shop: checkout sits above session-cache and orders-db, so its alert merges their incidents.
    const cache = await h.ingest('g-cache', [{ fingerprint: 'm-cache', service: 'session-cache', startsAt: at }]);
    const database = await h.ingest('g-db', [{ fingerprint: 'm-db', service: 'orders-db', startsAt: '2026-03-01T10:01:00Z' }]);
    const other = { ...h.deps, settled: new SettledAlerts() };
    const bridge = await ingestAlerts(
      other,
      'alertmanager',
      alertmanagerPayload('g-checkout', [{ fingerprint: 'm-checkout', service: 'checkout', startsAt: at }]),
    );
    expect(bridge).toMatchObject({ ok: true, incidents: cache.incidents });

    const before = await receiptCount(h);
    const resent = await h.ingest('g-db', [{ fingerprint: 'm-db', service: 'orders-db', startsAt: '2026-03-01T10:01:00Z' }]);
    expect(resent).toMatchObject({ stored: 1, incidents: cache.incidents });
    expect(resent.incidents).not.toEqual(database.incidents);
    const receipts = await receiptsSince(h, before);
    expect(receipts).toEqual([{ incidents: cache.incidents }]);
    // Remembered again, in the survivor: the next re-send needs no second attempt.
    expect((await h.ingest('g-db', [{ fingerprint: 'm-db', service: 'orders-db', startsAt: '2026-03-01T10:01:00Z' }])).incidents).toEqual(cache.incidents);
  });

  it('takes a firing alert it remembers for a late replay once another process resolved it and its incident', async () => {
    h = await createIngestHarness({ deps: { resolveGraceMilliseconds: 0 } });
    const stored = await h.ingest('g', group([{ fingerprint: 'r-1' }]));
    const other = { ...h.deps, settled: new SettledAlerts() };
    await ingestAlerts(other, 'alertmanager', alertmanagerPayload('g', group([{ fingerprint: 'r-1', status: 'resolved' }])));
    const { rows } = await sql<{ status: string }>`SELECT status FROM incidents WHERE id = ${stored.incidents[0]}::uuid`.execute(h.deps.db);
    expect(rows[0]!.status).toBe('resolved');

    const replay = await h.ingest('g', group([{ fingerprint: 'r-1' }]));
    expect(replay).toMatchObject({ stored: 0, ignored: 1, incidents: [] });
    const alerts = await sql<{ status: string }>`SELECT status FROM alerts WHERE fingerprint = 'r-1'`.execute(h.deps.db);
    expect(alerts.rows).toEqual([{ status: 'resolved' }]);
  });

  it('checks what it remembers in the transaction of a batch that also writes: a merged incident sends the batch round again', async () => {
    h = await createIngestHarness();
    await h.ingest('g-cache', [{ fingerprint: 'w-cache', service: 'session-cache', startsAt: at }]);
    await h.ingest('g-db', [{ fingerprint: 'w-db', service: 'orders-db', startsAt: '2026-03-01T10:01:00Z' }]);
    const other = { ...h.deps, settled: new SettledAlerts() };
    const bridge = await ingestAlerts(
      other,
      'alertmanager',
      alertmanagerPayload('g-checkout', [{ fingerprint: 'w-checkout', service: 'checkout', startsAt: at }]),
    );
    const survivor = bridge.ok ? bridge.incidents : [];

    // The remembered database alert, and a new one of the same service: written into the survivor, with it.
    const mixed = await h.ingest('g-db', [
      { fingerprint: 'w-db', service: 'orders-db', startsAt: '2026-03-01T10:01:00Z' },
      { fingerprint: 'w-db-2', service: 'orders-db', startsAt: '2026-03-01T10:02:00Z' },
    ]);
    expect(mixed).toMatchObject({ stored: 2, incidents: survivor });
    const { rows } = await sql<{ fingerprint: string; incident_id: string }>`
      SELECT fingerprint, incident_id FROM alerts WHERE fingerprint LIKE 'w-db%' ORDER BY fingerprint`.execute(h.deps.db);
    expect(rows).toEqual([
      { fingerprint: 'w-db', incident_id: survivor[0] },
      { fingerprint: 'w-db-2', incident_id: survivor[0] },
    ]);
  });
});

async function receiptCount(h: IngestHarness): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_outbox WHERE kind = 'alert_received'`.execute(h.deps.db);
  return rows[0]!.n;
}

async function receiptsSince(h: IngestHarness, skip: number): Promise<{ incidents: string[] }[]> {
  const { rows } = await sql<{ details: { incidents: string[] } }>`
    SELECT details FROM audit_outbox WHERE kind = 'alert_received' ORDER BY id OFFSET ${skip}`.execute(h.deps.db);
  return rows.map((row) => ({ incidents: row.details.incidents }));
}
