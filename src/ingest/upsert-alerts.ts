import { sql, type Transaction } from 'kysely';
import type { AlertStatus } from '../alerts/alert.ts';
import type { ServiceAlert } from '../incidents/correlate-alerts.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** An alert and the incident it belongs to. */
export interface PlacedAlert {
  alert: ServiceAlert;
  incidentId: string;
}

/** A row the upsert inserted or changed, with the status and severity it had before (null when inserted). */
export interface ChangedAlert {
  incidentId: string;
  fingerprint: string;
  name: string;
  status: AlertStatus;
  previousStatus: AlertStatus | null;
  severity: string;
  previousSeverity: string | null;
  service: string | null;
  startsAt: Date;
  endsAt: Date | null;
}

/**
 * Inserts or updates the alerts in one statement (13 array parameters instead of 13 per alert) and returns
 * the rows it actually inserted or changed. Rows are written in (incident, fingerprint) order, so two
 * ingestions that share rows lock them in the same order.
 */
export async function upsertAlerts(trx: Transaction<DatabaseSchema>, placed: PlacedAlert[]): Promise<ChangedAlert[]> {
  if (placed.length === 0) return [];
  const ordered = [...placed].sort((a, b) => compare(a.incidentId, b.incidentId) || compare(a.alert.fingerprint, b.alert.fingerprint));
  const column = <T>(pick: (entry: PlacedAlert) => T) => ordered.map(pick);
  const { rows } = await sql<{
    incident_id: string;
    fingerprint: string;
    name: string;
    status: AlertStatus;
    previous_status: AlertStatus | null;
    severity: string;
    previous_severity: string | null;
    service: string | null;
    starts_at: Date;
    ends_at: Date | null;
  }>`
    INSERT INTO alerts (incident_id, fingerprint, name, status, severity, service, labels, annotations, starts_at, ends_at, source, group_key, generator_url)
    SELECT * FROM unnest(
      ${column((entry) => entry.incidentId)}::uuid[], ${column((entry) => entry.alert.fingerprint)}::text[],
      ${column((entry) => entry.alert.name)}::text[], ${column((entry) => entry.alert.status)}::text[],
      ${column((entry) => entry.alert.severity)}::text[], ${column((entry) => entry.alert.service)}::text[],
      ${column((entry) => JSON.stringify(entry.alert.labels))}::jsonb[], ${column((entry) => JSON.stringify(entry.alert.annotations))}::jsonb[],
      ${column((entry) => entry.alert.startsAt.toISOString())}::timestamptz[], ${column((entry) => entry.alert.endsAt?.toISOString() ?? null)}::timestamptz[],
      ${column((entry) => entry.alert.source)}::text[], ${column((entry) => entry.alert.groupKey)}::text[],
      ${column((entry) => entry.alert.generatorUrl)}::text[])
    ON CONFLICT (incident_id, fingerprint) DO UPDATE SET
      -- alerts.* is the row as locked, whatever another group wrote meanwhile: the exact previous state.
      previous_status = alerts.status, previous_severity = alerts.severity,
      status = excluded.status, severity = excluded.severity, annotations = excluded.annotations, ends_at = excluded.ends_at, updated_at = now()
    -- Identical re-sends change nothing and write nothing.
    WHERE (alerts.status, alerts.severity, alerts.annotations, alerts.ends_at)
      IS DISTINCT FROM (excluded.status, excluded.severity, excluded.annotations, excluded.ends_at)
    RETURNING incident_id, fingerprint, name, status, previous_status, severity, previous_severity, service, starts_at, ends_at`.execute(trx);
  return rows.map((row) => ({
    incidentId: row.incident_id,
    fingerprint: row.fingerprint,
    name: row.name,
    status: row.status,
    previousStatus: row.previous_status,
    severity: row.severity,
    previousSeverity: row.previous_severity,
    service: row.service,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
