import { sql, type RawBuilder } from 'kysely';
import { rowStamp } from './latest-occurrences.ts';

/**
 * What a batch takes for granted about incidents it read without a lock (or remembered, ADR 0039): the ones it
 * brings firing alerts to are open, and none it places alerts in was merged. The statement that records the batch
 * checks them, after the batch holds those incidents' keys where it writes, and records nothing when one fails.
 */
export interface IncidentClaims {
  open: readonly string[];
  notMerged: readonly string[];
  /** Remembered alert rows, each claimed unchanged since the stamp (ADR 0039). */
  rows?: readonly { incidentId: string; fingerprint: string; stamp: string }[];
}

/** The claims of placements: firing ones claim an open incident, every one an incident not merged. */
export function claimsOf(placements: readonly { alert: { status: string; fingerprint: string }; incidentId: string; stamp?: string }[]): IncidentClaims {
  return {
    open: [...new Set(placements.flatMap((entry) => (entry.alert.status === 'firing' ? [entry.incidentId] : [])))],
    notMerged: [...new Set(placements.map((entry) => entry.incidentId))],
    rows: placements.flatMap((entry) =>
      entry.stamp === undefined ? [] : [{ incidentId: entry.incidentId, fingerprint: entry.alert.fingerprint, stamp: entry.stamp }],
    ),
  };
}

/** Both sets of claims at once. */
export function joinClaims(a: IncidentClaims, b: IncidentClaims): IncidentClaims {
  return {
    open: [...new Set([...a.open, ...b.open])],
    notMerged: [...new Set([...a.notMerged, ...b.notMerged])],
    rows: [...(a.rows ?? []), ...(b.rows ?? [])],
  };
}

/** SQL: true when a claim no longer holds. Its text never changes, so statements using it stay prepared. */
export function claimsBroken(claims: IncidentClaims): RawBuilder<boolean> {
  const rows = claims.rows ?? [];
  return sql<boolean>`(EXISTS (
    SELECT 1 FROM incidents
    WHERE (id = ANY(${claims.open}::uuid[]) AND status <> 'open') OR (id = ANY(${claims.notMerged}::uuid[]) AND status = 'merged')
  ) OR EXISTS (
    -- A remembered row gone (merged away) or changed since (another replica, another batch): read it again.
    SELECT 1 FROM unnest(${rows.map((row) => row.incidentId)}::uuid[], ${rows.map((row) => row.fingerprint)}::text[], ${rows.map((row) => row.stamp)}::bigint[])
      AS claimed (incident_id, fingerprint, stamp)
    LEFT JOIN alerts ON alerts.incident_id = claimed.incident_id AND alerts.fingerprint = claimed.fingerprint
    WHERE alerts.updated_at IS NULL OR ${sql.raw(rowStamp('alerts'))} <> claimed.stamp
  ))`;
}
