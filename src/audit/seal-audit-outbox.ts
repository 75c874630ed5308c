import { sql, type Kysely } from 'kysely';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { AuditKind } from './append-audit.ts';
import { auditChainLock, chainAuditEntries } from './chain-audit-entries.ts';

export interface SealDependencies {
  db: Kysely<DatabaseSchema>;
  log: Logger;
}

/** Entries moved per transaction: bounds how long the chain's lock is held (milliseconds). */
const defaultBatchSize = 500;

/**
 * Moves the oldest outbox entries into the hash chain: one transaction under the chain's lock reads, deletes
 * and chains a bounded batch, so an entry is either still in the outbox or in the chain, never both or
 * neither. Safe on any number of replicas at once: the second sealer waits for the lock, then finds the
 * rows gone. Returns how many entries it moved.
 */
export async function sealAuditOutbox(deps: SealDependencies, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  const moved = await deps.db.transaction().execute(async (trx) => {
    // The lock first: the DELETE's snapshot is then taken after any earlier sealer committed.
    await sql`SELECT pg_advisory_xact_lock(${auditChainLock})`.execute(trx);
    const { rows } = await sql<{
      id: string;
      at: Date;
      kind: AuditKind;
      actor: string | null;
      incident_id: string | null;
      proposal_id: string | null;
      details: Record<string, unknown>;
    }>`
      DELETE FROM audit_outbox WHERE id IN (SELECT id FROM audit_outbox ORDER BY id LIMIT ${batchSize})
      RETURNING id, at, kind, actor, incident_id, proposal_id, details`.execute(trx);
    rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    await chainAuditEntries(
      trx,
      rows.map((row) => ({ at: row.at, kind: row.kind, actor: row.actor, incidentId: row.incident_id, proposalId: row.proposal_id, details: row.details })),
    );
    return rows.length;
  });
  if (moved > 0) deps.log.info({ entries: moved }, 'audit outbox sealed into the chain');
  return moved;
}
