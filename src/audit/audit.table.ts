import type { ColumnType } from 'kysely';

/** Row shape of `audit_log` (migrations/0002): append-only, hash-chained. */
export interface AuditTable {
  sequence: ColumnType<string, string | number, never>;
  at: ColumnType<Date, Date, never>;
  kind: string;
  actor: string | null;
  incident_id: string | null;
  proposal_id: string | null;
  details: ColumnType<unknown, string, never>;
  previous_hash: string;
  hash: string;
}
