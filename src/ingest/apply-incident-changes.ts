import { sql, type Transaction } from 'kysely';
import { compareSeverity, normalizeSeverity } from '../alerts/normalize-severity.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ChangedAlert } from './write-alerts.ts';

/** What one batch changed in one incident. */
interface IncidentDelta {
  firing: number;
  services: Set<string>;
  severity: string;
  lastAlertAt: Date;
  lastEnd: Date | null;
}

/**
 * Moves each incident by what this batch changed, never by re-reading its alerts (ADR 0008): the count of
 * firing alerts by the status changes the upsert returned (status and resolved_at follow from it), the
 * services by union, the severity by the worst seen, last_alert_at by the latest start. The cost follows
 * the batch, not the incident's size. Incidents are updated one statement each in id order, so ingestions
 * touching the same incidents lock them in the same order; call it last before the commit, as the incident
 * row of a storm is what every group's ingestion waits for.
 */
export async function applyIncidentChanges(trx: Transaction<DatabaseSchema>, changed: readonly ChangedAlert[]): Promise<void> {
  const deltas = new Map<string, IncidentDelta>();
  for (const row of changed) {
    const delta = deltas.get(row.incidentId) ?? { firing: 0, services: new Set(), severity: row.severity, lastAlertAt: row.startsAt, lastEnd: null };
    delta.firing += (row.status === 'firing' ? 1 : 0) - (row.previousStatus === 'firing' ? 1 : 0);
    if (row.service !== null) delta.services.add(row.service);
    if (compareSeverity(normalizeSeverity(row.severity), normalizeSeverity(delta.severity)) < 0) delta.severity = row.severity;
    if (row.startsAt > delta.lastAlertAt) delta.lastAlertAt = row.startsAt;
    if (row.endsAt !== null && (delta.lastEnd === null || row.endsAt > delta.lastEnd)) delta.lastEnd = row.endsAt;
    deltas.set(row.incidentId, delta);
  }
  const ids = [...deltas.keys()].sort();
  for (const id of ids) {
    const delta = deltas.get(id)!;
    const firing = sql<number>`greatest(0, firing_count + ${delta.firing}::int)`;
    await sql`
      UPDATE incidents SET
        firing_count = ${firing},
        status = CASE WHEN ${firing} > 0 THEN 'open' ELSE 'resolved' END,
        resolved_at = CASE WHEN ${firing} > 0 THEN NULL ELSE coalesce(resolved_at, ${delta.lastEnd}::timestamptz, now()) END,
        -- Rebuilt only when a service joins: a storm's incident holds hundreds, and most batches bring none new.
        services = CASE WHEN services @> ${[...delta.services]}::text[] THEN services
          ELSE (SELECT array_agg(DISTINCT service ORDER BY service) FROM unnest(services || ${[...delta.services]}::text[]) AS service) END,
        severity = coalesce((ARRAY['critical', 'high', 'warning', 'info'])[least(
          array_position(ARRAY['critical', 'high', 'warning', 'info'], severity),
          array_position(ARRAY['critical', 'high', 'warning', 'info'], ${delta.severity}::text))], severity),
        last_alert_at = greatest(last_alert_at, ${delta.lastAlertAt}::timestamptz),
        alerts_revision = alerts_revision + 1,
        updated_at = now()
      WHERE id = ${id}::uuid`.execute(trx);
  }
}
