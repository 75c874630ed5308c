import { sql, type Transaction } from 'kysely';
import { queueAuditEntry } from '../audit/queue-audit-entry.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { IncidentMerge } from './correlate-alerts.ts';

/** One incident closed into another, with the numbers people know them by. */
export interface MergedIncident {
  id: string;
  number: string;
  into: string;
  intoNumber: string;
}

/**
 * Carries out the merges correlation decided (issue 10, ADR 0030), in the ingest's transaction, whose caller
 * holds every incident involved exclusive: each merged incident closes as 'merged' into its survivor, its alerts
 * and their counts move over, the survivor's services, severity and span grow by it, both are queued for
 * analysis (the merged one's proposals end there as superseded, and both cards update) and the merge is audited.
 * Logging is the caller's, after its commit. 'restart' when one of them is no longer open (it resolved or merged before the keys were taken): nothing
 * it did may stay, the caller rolls back and reads again.
 *
 * Incidents of different clusters never merge (ADR 0032): correlation does not propose that, and the statement
 * refuses it too, so a pair that slipped through is left as it is (a warning on `log`), not merged.
 */
export async function mergeIncidents(
  trx: Transaction<DatabaseSchema>,
  wanted: readonly IncidentMerge[],
  context: { at: Date; bridging: readonly string[]; log?: Logger | undefined },
): Promise<MergedIncident[] | 'restart'> {
  if (wanted.length === 0) return [];
  const merges = await sameCluster(trx, wanted, context.log);
  if (merges.length === 0) return [];
  const from = merges.map((merge) => merge.from);
  const into = merges.map((merge) => merge.into);
  const survivors = [...new Set(into)];
  const open = await trx.selectFrom('incidents').select('id').where('id', 'in', survivors).where('status', '=', 'open').execute();
  if (open.length !== survivors.length) return 'restart';
  // The cluster is compared here again, in the statement that merges: nothing between the check and it decides.
  const { rows: closed } = await sql<MergedIncident>`
    UPDATE incidents AS merged SET status = 'merged', merged_into = wanted.into_id, merged_at = ${context.at}::timestamptz, updated_at = now()
    FROM unnest(${from}::uuid[], ${into}::uuid[]) AS wanted (from_id, into_id), incidents AS survivor
    WHERE merged.id = wanted.from_id AND merged.status = 'open' AND survivor.id = wanted.into_id AND survivor.cluster = merged.cluster
    RETURNING merged.id, merged.number::text AS number, wanted.into_id AS into, survivor.number::text AS "intoNumber"`.execute(trx);
  if (closed.length !== merges.length) return 'restart';

  // Alerts and their counts move together, so the survivor's counts stay exactly what its rows say. A fingerprint
  // the survivor already holds (an earlier occurrence) keeps the survivor's row; the merged one's is dropped below.
  await sql`
    WITH moved AS (
      UPDATE alerts SET incident_id = wanted.into_id, updated_at = now()
      FROM unnest(${from}::uuid[], ${into}::uuid[]) AS wanted (from_id, into_id)
      WHERE alerts.incident_id = wanted.from_id
        AND NOT EXISTS (SELECT 1 FROM alerts AS kept WHERE kept.incident_id = wanted.into_id AND kept.fingerprint = alerts.fingerprint)
      RETURNING alerts.incident_id, coalesce(alerts.service, '') AS service, alerts.name, alerts.status, alerts.severity, alerts.starts_at,
        alerts.fingerprint
    )
    INSERT INTO incident_alert_groups AS g (incident_id, service, name, status, severity, alerts, first_starts_at, sample_fingerprint)
    SELECT incident_id, service, name, status, severity, count(*)::int, min(starts_at), (array_agg(fingerprint ORDER BY starts_at, fingerprint))[1]
    FROM moved GROUP BY incident_id, service, name, status, severity ORDER BY incident_id, service, name, status, severity
    ON CONFLICT (incident_id, service, name, status, severity) DO UPDATE SET
      alerts = g.alerts + excluded.alerts, revision = excluded.revision,
      first_starts_at = CASE WHEN g.alerts = 0 THEN excluded.first_starts_at ELSE least(g.first_starts_at, excluded.first_starts_at) END,
      sample_fingerprint = CASE WHEN g.alerts = 0 OR excluded.first_starts_at < g.first_starts_at THEN excluded.sample_fingerprint
        ELSE g.sample_fingerprint END`.execute(trx);
  await sql`DELETE FROM alerts WHERE incident_id = ANY(${from}::uuid[])`.execute(trx);
  await sql`DELETE FROM incident_alert_groups WHERE incident_id = ANY(${from}::uuid[])`.execute(trx);
  const rank = (value: unknown) => sql`array_position(ARRAY['critical', 'high', 'warning', 'info'], ${value})`;
  await sql`
    UPDATE incidents AS survivor SET
      services = (SELECT array_agg(DISTINCT service ORDER BY service) FROM (
        SELECT unnest(survivor.services) AS service
        UNION SELECT unnest(merged.services) FROM incidents AS merged WHERE merged.merged_into = survivor.id AND merged.id = ANY(${from}::uuid[])
      ) AS services),
      severity = (SELECT candidate FROM (
        SELECT survivor.severity AS candidate
        UNION ALL SELECT merged.severity FROM incidents AS merged WHERE merged.merged_into = survivor.id AND merged.id = ANY(${from}::uuid[])
      ) AS severities ORDER BY coalesce(${rank(sql`candidate`)}, 99) LIMIT 1),
      opened_at = least(survivor.opened_at, (SELECT min(opened_at) FROM incidents WHERE merged_into = survivor.id AND id = ANY(${from}::uuid[]))),
      last_alert_at = greatest(survivor.last_alert_at, (SELECT max(last_alert_at) FROM incidents WHERE merged_into = survivor.id AND id = ANY(${from}::uuid[]))),
      updated_at = now()
    WHERE survivor.id = ANY(${survivors}::uuid[])`.execute(trx);
  await trx
    .insertInto('analysis_requests')
    .values([...survivors, ...from].sort().map((incidentId) => ({ incident_id: incidentId })))
    .execute();
  for (const survivor of survivors) {
    const merged = closed.filter((row) => row.into === survivor);
    await queueAuditEntry(trx, {
      kind: 'incidents_merged',
      at: context.at,
      incidentId: survivor,
      details: { into: merged[0]!.intoNumber, merged: merged.map((row) => ({ id: row.id, number: row.number })), bridgingAlerts: context.bridging },
    });
  }
  return closed;
}

/** The merges whose two incidents are of one cluster; each other one is refused with a warning. */
async function sameCluster(trx: Transaction<DatabaseSchema>, merges: readonly IncidentMerge[], log: Logger | undefined): Promise<IncidentMerge[]> {
  const ids = [...new Set(merges.flatMap((merge) => [merge.from, merge.into]))];
  const rows = await trx.selectFrom('incidents').select(['id', 'cluster', 'number']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return merges.filter((merge) => {
    const from = byId.get(merge.from);
    const into = byId.get(merge.into);
    if (from === undefined || into === undefined || from.cluster === into.cluster) return true;
    log?.warn(
      { incidentId: into.id, number: into.number, cluster: into.cluster, refusedId: from.id, refusedNumber: from.number, refusedCluster: from.cluster },
      'merge refused: the incidents belong to different clusters',
    );
    return false;
  });
}
