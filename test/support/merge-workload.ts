import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { expect } from 'vitest';
import { alertmanagerPayload, type TestAlert } from './ingest-harness.ts';

/**
 * Merge-heavy ingestion for the fault tests (ADR 0030): `components` problems on the demo shop, each an hour apart
 * (a 5-minute correlation window keeps them apart). Each has two roots that open incidents of their own (cart and
 * payments are siblings below checkout; both crash-loop, so each incident gets a restart proposed) and bridges
 * above both (checkout, storefront) that merge them. Every alert comes in a group of its own, as separate
 * Alertmanager routes would send it.
 */
export function mergeWorkload(components: number) {
  const at = (component: number, minute: number) => new Date(Date.UTC(2026, 5, 1, 0, minute) + component * 3_600_000).toISOString();
  const one = (alert: TestAlert) => ({ groupKey: `{}:{fault="${alert.fingerprint}"}`, alerts: [alert] });
  const roots = Array.from({ length: components }, (_, component) => [
    one({ fingerprint: `c${component}-cart`, service: 'cart', labels: { namespace: 'shop' }, startsAt: at(component, 0) }),
    one({ fingerprint: `c${component}-payments`, service: 'payments', labels: { namespace: 'shop' }, startsAt: at(component, 0) }),
  ]).flat();
  const bridges = Array.from({ length: components }, (_, component) => [
    one({ fingerprint: `c${component}-front`, service: 'storefront', name: 'HighErrorRate', severity: 'critical', startsAt: at(component, 1) }),
    one({ fingerprint: `c${component}-checkout`, service: 'checkout', name: 'HighLatency', startsAt: at(component, 2) }),
  ]).flat();
  return { roots, bridges, perComponent: 4 };
}

type Group = { groupKey: string; alerts: TestAlert[] };

/**
 * Posts groups like Alertmanager: each again (after a short pause) on a 503 or a connection error, until it gets
 * 200. Anything else is recorded as unexpected (a bug) and sent again too. `url()` is asked at every attempt, so
 * a restarted bot on a new port is found.
 */
export function alertmanagerSender(url: () => string | undefined, workers = 6) {
  const acknowledged = new Set<string>();
  const unexpected: string[] = [];
  const counts = { posts: 0, retried503: 0, connectionErrors: 0 };
  async function deliver(group: Group) {
    for (;;) {
      const base = url();
      if (base !== undefined) {
        counts.posts += 1;
        try {
          const response = await fetch(`${base}/api/v1/alerts/alertmanager`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(alertmanagerPayload(group.groupKey, group.alerts)),
            signal: AbortSignal.timeout(15_000),
          });
          const text = await response.text();
          if (response.status === 200) {
            for (const alert of group.alerts) acknowledged.add(alert.fingerprint);
            return;
          }
          if (response.status === 503 && response.headers.get('retry-after')) counts.retried503 += 1;
          else unexpected.push(`${response.status} ${text}`);
        } catch {
          counts.connectionErrors += 1;
        }
      }
      await sleep(50);
    }
  }
  return {
    acknowledged,
    unexpected,
    counts,
    /** Sends every group, `workers` at a time; resolves when each got its 200. */
    send: async (groups: readonly Group[]) => {
      const queue = [...groups];
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) await deliver(next);
        }),
      );
    },
  };
}

/**
 * What must hold after any fault, read with a connection of its own: each component one open incident holding
 * all its alerts, counts equal to rows, no alert twice, and nothing half-merged.
 */
export async function mergeInvariants(databaseUrl: string, components: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const query = async <T>(text: string) => (await client.query(text)).rows as T[];
    const perComponent = await query<{ component: string; incidents: string[]; statuses: string[] }>(`
      SELECT split_part(a.fingerprint, '-', 1) AS component, array_agg(DISTINCT a.incident_id::text) AS incidents,
        array_agg(DISTINCT i.status) AS statuses
      FROM alerts a JOIN incidents i ON i.id = a.incident_id GROUP BY 1 ORDER BY 1`);
    const openIncidents = await query<{ id: string }>(`SELECT id FROM incidents WHERE status = 'open'`);
    const copies = await query<{ fingerprint: string; copies: number }>(
      'SELECT fingerprint, count(*)::int AS copies FROM alerts GROUP BY fingerprint HAVING count(*) > 1',
    );
    const fingerprints = (await query<{ fingerprint: string }>('SELECT fingerprint FROM alerts')).map((row) => row.fingerprint);
    // Counts kept per (service, name, status, severity) against what the rows say, for every incident.
    const miscounted = await query<{ incident_id: string }>(`
      WITH kept AS (SELECT incident_id, service, name, status, severity, alerts FROM incident_alert_groups WHERE alerts > 0),
        counted AS (SELECT incident_id, coalesce(service, '') AS service, name, status, severity, count(*)::int AS alerts
          FROM alerts GROUP BY 1, 2, 3, 4, 5)
      SELECT coalesce(kept.incident_id, counted.incident_id) AS incident_id FROM kept FULL JOIN counted
        USING (incident_id, service, name, status, severity) WHERE kept.alerts IS DISTINCT FROM counted.alerts`);
    const halfMerged = await query<{ id: string; problem: string }>(`
      SELECT id, 'merged without survivor' AS problem FROM incidents WHERE status = 'merged' AND merged_into IS NULL
      UNION ALL SELECT m.id, 'survivor not open: ' || s.status FROM incidents m JOIN incidents s ON s.id = m.merged_into WHERE s.status <> 'open'
      UNION ALL SELECT DISTINCT a.incident_id, 'alerts in a merged incident' FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE i.status = 'merged'
      UNION ALL SELECT DISTINCT g.incident_id, 'counts in a merged incident' FROM incident_alert_groups g JOIN incidents i ON i.id = g.incident_id
        WHERE i.status = 'merged' AND g.alerts > 0`);
    const merged = await query<{ id: string }>(`SELECT id FROM incidents WHERE status = 'merged'`);
    return { perComponent, openIncidents, copies, fingerprints, miscounted, halfMerged, merged, components };
  } finally {
    await client.end();
  }
}

/** Waits until the bot has analysed everything it was asked to: no request and no analysis job left. */
export async function analysesSettled(client: pg.Client, timeoutMilliseconds = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const { rows } = await client.query<{ busy: number }>(`
      SELECT (SELECT count(*) FROM analysis_requests)::int
        + (SELECT count(*) FROM pgboss.job WHERE name = 'analyze-incident' AND state NOT IN ('completed', 'failed', 'cancelled'))::int AS busy`);
    if (rows[0]!.busy === 0) return;
    if (Date.now() > deadline) throw new Error(`analyses still busy: ${rows[0]!.busy}`);
    await sleep(200);
  }
}

/** The proposals of every incident, with its status, once all analyses settled. */
export async function proposalsByIncidentStatus(client: pg.Client) {
  await analysesSettled(client);
  const { rows } = await client.query<{ incident_id: string; status: string; state: string; outcome: string | null }>(`
    SELECT p.incident_id, i.status, p.state, p.outcome FROM proposals p JOIN incidents i ON i.id = p.incident_id ORDER BY p.created_at`);
  return rows;
}

/**
 * A trigger that holds every merge statement (an incident turning 'merged') for a moment, so that a fault can be
 * aimed at a merge in flight instead of hoping to hit one. Dropped once the fault is done.
 */
export async function slowMerges(client: pg.Client, seconds: number): Promise<() => Promise<void>> {
  await client.query(`
    CREATE FUNCTION slow_merge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(${seconds}); RETURN NEW; END $$`);
  await client.query(`
    CREATE TRIGGER slow_merge BEFORE UPDATE ON incidents FOR EACH ROW
    WHEN (OLD.status = 'open' AND NEW.status = 'merged') EXECUTE FUNCTION slow_merge()`);
  return async () => {
    await client.query('DROP TRIGGER slow_merge ON incidents');
    await client.query('DROP FUNCTION slow_merge()');
  };
}

/** Backends of the bot (connected after `since`) running a merge statement right now. */
export async function mergesInFlight(client: pg.Client, database: string, since: Date): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_start >= $2 AND state = 'active'
       AND query LIKE '%UPDATE incidents AS merged SET status%' AND pid <> pg_backend_pid()`,
    [database, since],
  );
  return rows.map((row) => row.pid);
}

/**
 * What both fault tests require at the end: one open incident per component and every other merged whole into it,
 * counts equal to rows, every alert answered 200 stored exactly once, and each merged incident's proposal
 * superseded "incident merged into #N".
 */
export async function expectMergedWhole(run: {
  databaseUrl: string;
  monitor: pg.Client;
  components: number;
  acknowledged: ReadonlySet<string>;
  perComponent: number;
}): Promise<void> {
  const { components } = run;
  const found = await mergeInvariants(run.databaseUrl, components);
  expect(found.halfMerged).toEqual([]);
  expect(found.miscounted).toEqual([]);
  expect(found.copies).toEqual([]);
  expect(new Set(found.fingerprints)).toEqual(run.acknowledged);
  expect(run.acknowledged.size).toBe(components * run.perComponent);
  expect(found.perComponent).toHaveLength(components);
  for (const component of found.perComponent) expect(component, component.component).toMatchObject({ incidents: [expect.any(String)], statuses: ['open'] });
  expect(found.openIncidents).toHaveLength(components);
  expect(found.merged).toHaveLength(components);

  const proposals = await proposalsByIncidentStatus(run.monitor);
  const merged = proposals.filter((row) => row.status === 'merged');
  expect(new Set(merged.map((row) => row.incident_id)).size).toBe(components);
  for (const proposal of merged) expect(proposal).toMatchObject({ state: 'SUPERSEDED', outcome: expect.stringMatching(/^incident merged into #\d+$/) });
}
