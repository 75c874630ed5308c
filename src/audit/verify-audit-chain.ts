import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { GENESIS_HASH, auditEntryHash } from './audit-hash.ts';

/**
 * Result of checking the chain. `entries` counts the entries found intact (before the first broken one).
 * A hash chain cannot notice entries cut off its end; anchor the latest hash elsewhere for that.
 */
export type AuditChainReport = { ok: true; entries: number } | { ok: false; entries: number; firstBroken: { sequence: string; reason: string } };

/** Reads the log page by page in sequence order and recomputes every link. */
export async function verifyAuditChain(db: Kysely<DatabaseSchema>, options: { pageSize?: number } = {}): Promise<AuditChainReport> {
  const pageSize = options.pageSize ?? 1000;
  let expectedSequence = 1n;
  let previousHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('sequence', '>=', expectedSequence.toString())
      .orderBy('sequence')
      .limit(pageSize)
      .execute();
    for (const row of page) {
      const broken = (reason: string): AuditChainReport => ({ ok: false, entries, firstBroken: { sequence: row.sequence, reason } });
      if (BigInt(row.sequence) !== expectedSequence) {
        return broken(`entry ${expectedSequence} is missing (found ${row.sequence} next)`);
      }
      if (row.previous_hash !== previousHash) {
        return broken(
          expectedSequence === 1n
            ? 'first entry does not start from the genesis hash'
            : `previous_hash does not match the hash of entry ${expectedSequence - 1n}`,
        );
      }
      const recomputed = auditEntryHash(previousHash, {
        sequence: row.sequence,
        at: row.at,
        kind: row.kind,
        actor: row.actor,
        incidentId: row.incident_id,
        proposalId: row.proposal_id,
        details: row.details,
      });
      if (recomputed !== row.hash) return broken('content does not match its hash (altered after it was written)');
      previousHash = row.hash;
      expectedSequence += 1n;
      entries += 1;
    }
    if (page.length < pageSize) return { ok: true, entries };
  }
}
