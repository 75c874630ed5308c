import { sql, type Transaction } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { GENESIS_HASH, auditEntryHash } from './audit-hash.ts';

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

// Its own key (the single-bigint key space; ingest's correlation lock is another number in it).
const auditChainLock = 0x4157_4155;

/**
 * Appends an entry in the caller's transaction, so the entry exists if and only if the change it records
 * was committed. The transaction-scoped advisory lock makes the chain linear: the next writer waits
 * until this transaction ends, then reads our entry as its predecessor.
 *
 * Take it as the LAST lock of a transaction (after every row lock): it is held until commit, and a
 * transaction that waits for a row while holding it could deadlock with one that holds the row.
 */
export async function appendAudit(trx: Transaction<DatabaseSchema>, entry: AuditEntry): Promise<{ sequence: string; hash: string }> {
  await sql`SELECT pg_advisory_xact_lock(${auditChainLock})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['sequence', 'hash']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  const sequence = (BigInt(last?.sequence ?? 0) + 1n).toString();
  const previousHash = last?.hash ?? GENESIS_HASH;
  // Hash exactly what jsonb will give back to the verifier, not the caller's live object.
  const detailsText = canonicalJson(entry.details);
  const content = {
    sequence,
    at: entry.at,
    kind: entry.kind,
    actor: entry.actor ?? null,
    incidentId: entry.incidentId ?? null,
    proposalId: entry.proposalId ?? null,
    details: JSON.parse(detailsText) as unknown,
  };
  const hash = auditEntryHash(previousHash, content);
  await trx
    .insertInto('audit_log')
    .values({
      sequence,
      at: entry.at,
      kind: entry.kind,
      actor: content.actor,
      incident_id: content.incidentId,
      proposal_id: content.proposalId,
      details: detailsText,
      previous_hash: previousHash,
      hash,
    })
    .execute();
  return { sequence, hash };
}
