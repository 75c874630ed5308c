import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { findIncident } from '../../src/incidents/incident-repository.ts';
import { createIngestHarness, incidentBookkeeping, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';

// The demo shop: checkout depends on cart (which depends on session-cache) and on orders-db, so session-cache and
// orders-db are siblings below checkout; storefront sits above both. card-processor is related to neither.
const at = (hour: number, minute: number) => new Date(Date.UTC(2026, 2, 1, hour, minute)).toISOString();
const alert = (fingerprint: string, service: string, startsAt: string, name = 'HighLatency'): TestAlert => ({ fingerprint, service, startsAt, name });
const fiveMinutes = { windowMilliseconds: 5 * 60_000 };

describe('incidents an alert connects merge into the oldest (issue 10) [real PostgreSQL]', () => {
  let h: IngestHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const status = async (id: string) => (await findIncident(h!.deps.db, id))?.status;

  it('merges the cache and database incidents when checkout alerts, moving alerts and counts to the survivor', async () => {
    h = await createIngestHarness({ deps: fiveMinutes });
    const cache = (await h.ingest('group-cache', [alert('m-cache', 'session-cache', at(10, 0), 'RedisDown')])).incidents[0]!;
    const database = (await h.ingest('group-db', [alert('m-db', 'orders-db', at(10, 1), 'PostgresTooManyConnections')])).incidents[0]!;
    expect(database).not.toBe(cache);
    const requestedBefore = (await h.requestedAnalyses()).length;
    const bridge = await h.ingest('group-checkout', [alert('m-checkout', 'checkout', at(10, 2))]);
    expect(bridge.incidents).toEqual([cache]);

    expect(await findIncident(h.deps.db, database)).toMatchObject({ status: 'merged', mergedInto: cache, alerts: [] });
    const survivor = await findIncident(h.deps.db, cache);
    expect(survivor).toMatchObject({ status: 'open', services: ['checkout', 'orders-db', 'session-cache'] });
    expect(survivor!.alerts.map((row) => row.fingerprint).sort()).toEqual(['m-cache', 'm-checkout', 'm-db']);
    const books = await incidentBookkeeping(h.database, cache);
    expect(books.groups).toEqual(books.countedGroups);
    expect(books.incident.firing_count).toBe(3);
    // Both are analysed again: the merged one to end its proposals and point its card at the survivor.
    expect(new Set((await h.requestedAnalyses()).slice(requestedBefore))).toEqual(new Set([cache, database]));
    const { rows: audit } = await sql<{ incident_id: string; details: { merged: { id: string }[] } }>`
      SELECT incident_id, details FROM audit_outbox WHERE kind = 'incidents_merged'`.execute(h.deps.db);
    expect(audit).toEqual([
      expect.objectContaining({ incident_id: cache, details: expect.objectContaining({ merged: [expect.objectContaining({ id: database })] }) }),
    ]);

    // The database alert re-sent and then resolving: it is the survivor's now, and all resolving resolves the survivor.
    expect((await h.ingest('group-db', [alert('m-db', 'orders-db', at(10, 1), 'PostgresTooManyConnections')])).incidents).toEqual([cache]);
    await h.ingest('group-db', [{ fingerprint: 'm-db', service: 'orders-db', name: 'PostgresTooManyConnections', status: 'resolved', startsAt: at(10, 1) }]);
    await h.ingest('group-cache', [{ fingerprint: 'm-cache', service: 'session-cache', name: 'RedisDown', status: 'resolved', startsAt: at(10, 0) }]);
    expect(await status(cache)).toBe('open');
    await h.ingest('group-checkout', [{ fingerprint: 'm-checkout', service: 'checkout', status: 'resolved', startsAt: at(10, 2) }]);
    expect(await status(cache)).toBe('resolved');
    expect(await status(database)).toBe('merged');
  });

  it('keeps two applications of one Alertmanager group apart, and each later alert of the group with its own', async () => {
    h = await createIngestHarness({ deps: fiveMinutes });
    const group = 'group-by-alertname:{alertname="KubePodCrashLooping"}';
    const first = await h.ingest(group, [alert('g-card', 'card-processor', at(11, 0), 'KubePodCrashLooping')]);
    const second = await h.ingest(group, [
      alert('g-card', 'card-processor', at(11, 0), 'KubePodCrashLooping'),
      alert('g-cache', 'session-cache', at(11, 1), 'KubePodCrashLooping'),
    ]);
    expect(second.incidents).toHaveLength(2);
    const cacheIncident = second.incidents.find((id) => id !== first.incidents[0])!;
    expect((await findIncident(h.deps.db, first.incidents[0]!))?.services).toEqual(['card-processor']);
    const third = await h.ingest(group, [alert('g-cart', 'cart', at(11, 2), 'KubePodCrashLooping')]);
    expect(third.incidents).toEqual([cacheIncident]);
  });

  it('ends in one open incident holding all three when the two roots and the bridging alert arrive at once', async () => {
    h = await createIngestHarness({ deps: fiveMinutes, poolSize: 12 });
    for (let round = 0; round < 8; round++) {
      const hour = 12 + round;
      const arrivals = [
        alert(`r${round}-cache`, 'session-cache', at(hour, 0), 'RedisDown'),
        alert(`r${round}-db`, 'orders-db', at(hour, 0), 'PostgresTooManyConnections'),
        alert(`r${round}-front`, 'storefront', at(hour, 1), 'HighErrorRate'),
      ];
      // Rotated, so each round starts a different one first; each arrives through its own group and connection.
      const order = [...arrivals.slice(round % 3), ...arrivals.slice(0, round % 3)];
      await Promise.all(order.map((one) => h!.ingest(`race-${round}-${one.fingerprint}`, [one])));
      const { rows } = await sql<{ incident_id: string; status: string }>`
        SELECT DISTINCT alerts.incident_id, incidents.status FROM alerts JOIN incidents ON incidents.id = alerts.incident_id
        WHERE alerts.fingerprint LIKE ${`r${round}-%`}`.execute(h.deps.db);
      expect(rows, `round ${round}`).toEqual([expect.objectContaining({ status: 'open' })]);
      const books = await incidentBookkeeping(h.database, rows[0]!.incident_id);
      expect(books.groups, `round ${round}`).toEqual(books.countedGroups);
      expect(books.firingRows).toBe(3);
    }
    // About half the rounds take the merge path (both roots placed first); nothing merged keeps an alert or a count.
    const { rows: leftovers } = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM alerts JOIN incidents ON incidents.id = alerts.incident_id WHERE incidents.status = 'merged')
        + (SELECT count(*) FROM incident_alert_groups JOIN incidents ON incidents.id = incident_id WHERE incidents.status = 'merged') AS n`.execute(h.deps.db);
    expect(Number(leftovers[0]!.n)).toBe(0);
  });
});
