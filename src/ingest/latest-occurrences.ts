import { sql, type Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { prepared } from '../storage/prepared-statement.ts';

/** The newest stored row of a fingerprint, and the state of its incident. */
export interface LatestOccurrence {
  incidentId: string;
  incidentStatus: 'open' | 'resolved' | 'merged';
  incidentResolvedAt: Date | null;
  startsAt: Date;
  status: AlertStatus;
  severity: string;
  annotations: Record<string, string>;
  endsAt: Date | null;
  /** When the row last changed, in microseconds since the epoch (ADR 0039: what a remembered alert is checked by). */
  stamp: string;
}

/** SQL: an alert row's `updated_at` in microseconds since the epoch, as `LatestOccurrence.stamp`. */
export const rowStamp = (table: string) => `(extract(epoch FROM ${table}.updated_at) * 1000000)::bigint`;

/** A row of `occurrencesOf`, as PostgreSQL returns it. */
export interface OccurrenceRow {
  fingerprint: string;
  incident_id: string;
  incident_status: 'open' | 'resolved' | 'merged';
  incident_resolved_at: Date | null;
  starts_at: Date;
  status: AlertStatus;
  severity: string;
  annotations: Record<string, string>;
  ends_at: Date | null;
  stamp: string;
}

/**
 * SQL: the newest stored row of each fingerprint with its incident's state, as `OccurrenceRow`s. One index probe
 * per fingerprint (LATERAL … LIMIT 1 cannot be flattened into a join), whatever the planner estimates: a hash join
 * or a parallel scan would read every alert ever stored on each call. Its text never changes (prepared statements).
 */
export function occurrencesOf(fingerprints: readonly string[]) {
  return sql`
    SELECT wanted.fingerprint, latest.incident_id, latest.incident_status, latest.incident_resolved_at, latest.starts_at, latest.status,
      latest.severity, latest.annotations, latest.ends_at, latest.stamp
    FROM unnest(${fingerprints}::text[]) AS wanted (fingerprint)
    CROSS JOIN LATERAL (
      SELECT alerts.incident_id, alerts.starts_at, alerts.status, alerts.severity, alerts.annotations, alerts.ends_at,
        ${sql.raw(rowStamp('alerts'))} AS stamp, incident.status AS incident_status, incident.resolved_at AS incident_resolved_at
      FROM alerts CROSS JOIN LATERAL (SELECT status, resolved_at FROM incidents WHERE incidents.id = alerts.incident_id) AS incident
      WHERE alerts.fingerprint = wanted.fingerprint ORDER BY alerts.received_at DESC LIMIT 1
    ) AS latest`;
}

/** An `OccurrenceRow` as the ingest uses it. */
export function toOccurrence(row: OccurrenceRow): LatestOccurrence {
  return {
    incidentId: row.incident_id,
    incidentStatus: row.incident_status,
    incidentResolvedAt: row.incident_resolved_at,
    startsAt: row.starts_at,
    status: row.status,
    severity: row.severity,
    annotations: row.annotations,
    endsAt: row.ends_at,
    stamp: row.stamp,
  };
}

/** The newest stored occurrence of each fingerprint (absent: never stored). */
export async function latestOccurrences(db: Kysely<DatabaseSchema>, fingerprints: string[]): Promise<Map<string, LatestOccurrence>> {
  if (fingerprints.length === 0) return new Map();
  const { rows } = await sql<OccurrenceRow>`${prepared('latest-occurrences')} ${occurrencesOf(fingerprints)}`.execute(db);
  return new Map(rows.map((row) => [row.fingerprint, toOccurrence(row)]));
}
