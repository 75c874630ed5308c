import type { Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { chainAuditEntries } from './chain-audit-entries.ts';

/** What the audit trail records. */
export const auditKinds = [
  'alert_received',
  'proposal_created',
  'proposal_superseded',
  'signature',
  'rejection',
  'approved',
  'expired',
  'voided',
  'execution_started',
  'execution_succeeded',
  'execution_failed',
  'execution_reconciled',
  'trust_changed',
  'model_proposal_refused',
  'paging_started',
  'paging_suppressed',
  'paging_escalated',
  'page_sent',
  'page_failed',
  'paging_acknowledged',
  'paging_resolved',
  'paging_policy_changed',
  'paging_switched_on',
  'incidents_merged',
] as const;
export type AuditKind = (typeof auditKinds)[number];

/**
 * One entry of the append-only, hash-chained audit log. `actor` is a person id, or null for the bot
 * itself; `details` is plain JSON (Dates become ISO text, undefined members are left out).
 */
export interface AuditEntry {
  kind: AuditKind;
  actor?: string | null;
  incidentId?: string | null;
  proposalId?: string | null;
  details: Record<string, unknown>;
  at: Date;
}

/**
 * Appends an entry in the caller's transaction, so the entry exists if and only if the change it records
 * was committed (see chainAuditEntries for how the chain stays linear).
 *
 * Take it as the LAST lock of a transaction (after every row lock): it is held until commit, and a
 * transaction that waits for a row while holding it could deadlock with one that holds the row.
 * Receipts of alerts do not come here: they go through the outbox (queueAuditEntry), so that ingestion
 * never waits for this lock.
 */
export async function appendAudit(trx: Transaction<DatabaseSchema>, entry: AuditEntry): Promise<{ sequence: string; hash: string }> {
  const [appended] = await chainAuditEntries(trx, [entry]);
  return appended!;
}
