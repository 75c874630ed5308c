import { sql, type RawBuilder } from 'kysely';

/**
 * What a batch takes for granted about incidents it read without a lock (or remembered, ADR 0039): the ones it
 * brings firing alerts to are open, and none it places alerts in was merged. The statement that records the batch
 * checks them, after the batch holds those incidents' keys where it writes, and records nothing when one fails.
 */
export interface IncidentClaims {
  open: readonly string[];
  notMerged: readonly string[];
}

/** The claims of placements: firing ones claim an open incident, every one an incident not merged. */
export function claimsOf(placements: readonly { alert: { status: string }; incidentId: string }[]): IncidentClaims {
  return {
    open: [...new Set(placements.flatMap((entry) => (entry.alert.status === 'firing' ? [entry.incidentId] : [])))],
    notMerged: [...new Set(placements.map((entry) => entry.incidentId))],
  };
}

/** Both sets of claims at once. */
export function joinClaims(a: IncidentClaims, b: IncidentClaims): IncidentClaims {
  return { open: [...new Set([...a.open, ...b.open])], notMerged: [...new Set([...a.notMerged, ...b.notMerged])] };
}

/** SQL: true when a claim no longer holds. Its text never changes, so statements using it stay prepared. */
export function claimsBroken(claims: IncidentClaims): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (
    SELECT 1 FROM incidents
    WHERE (id = ANY(${claims.open}::uuid[]) AND status <> 'open') OR (id = ANY(${claims.notMerged}::uuid[]) AND status = 'merged')
  )`;
}
