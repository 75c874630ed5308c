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

/** Row shape of `audit_outbox` (migrations/0005): entries written without the chain's lock, waiting for a sealer. */
export interface AuditOutboxTable extends Omit<AuditTable, 'sequence' | 'previous_hash' | 'hash'> {
  id: ColumnType<string, never, never>;
}
