import { sql, type Transaction } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { AuditEntry } from './append-audit.ts';
import { GENESIS_HASH, auditEntryHash } from './audit-hash.ts';

/** Advisory lock of the chain; its own key (the single-bigint key space; ingest's locks use the two-key form). */
export const auditChainLock = 0x4157_4155;

/**
 * Appends entries, in order, to the end of the chain in the caller's transaction. The transaction-scoped
 * advisory lock makes the chain linear: the next writer waits until this transaction ends, then reads our
 * last entry as its predecessor. One statement for the whole batch, so a sealer moving hundreds of receipts
 * holds the lock for milliseconds.
 */
export async function chainAuditEntries(trx: Transaction<DatabaseSchema>, entries: readonly AuditEntry[]): Promise<{ sequence: string; hash: string }[]> {
  if (entries.length === 0) return [];
  await sql`SELECT pg_advisory_xact_lock(${auditChainLock})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['sequence', 'hash']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  let sequence = BigInt(last?.sequence ?? 0);
  let previousHash = last?.hash ?? GENESIS_HASH;
  const rows = entries.map((entry) => {
    sequence += 1n;
    // Hash exactly what jsonb will give back to the verifier, not the caller's live object.
    const detailsText = canonicalJson(entry.details);
    const content = {
      sequence: sequence.toString(),
      at: entry.at,
      kind: entry.kind,
      actor: entry.actor ?? null,
      incidentId: entry.incidentId ?? null,
      proposalId: entry.proposalId ?? null,
      details: JSON.parse(detailsText) as unknown,
    };
    const hash = auditEntryHash(previousHash, content);
    const row = {
      sequence: content.sequence,
      at: entry.at,
      kind: entry.kind,
      actor: content.actor,
      incident_id: content.incidentId,
      proposal_id: content.proposalId,
      details: detailsText,
      previous_hash: previousHash,
      hash,
    };
    previousHash = hash;
    return row;
  });
  await trx.insertInto('audit_log').values(rows).execute();
  return rows.map((row) => ({ sequence: row.sequence, hash: row.hash }));
}
