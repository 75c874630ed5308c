import { sql, type Kysely } from 'kysely';
import type { AuditEntry } from '../audit/append-audit.ts';
import { outboxValues } from '../audit/queue-audit-entry.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { prepared } from '../storage/prepared-statement.ts';
import { claimsBroken, type IncidentClaims } from './incident-claims.ts';

/**
 * Queues the audit receipt of a batch that changed nothing (through the outbox, ADR 0009), in one statement that
 * first checks the batch's claims about its incidents (ADR 0039). False: a claim failed and nothing was queued.
 */
export async function queueReceipt(db: Kysely<DatabaseSchema>, receipt: AuditEntry, claims: IncidentClaims): Promise<boolean> {
  const entry = outboxValues(receipt);
  const { rows } = await sql<{ queued: number }>`${prepared('queue-receipt')}
    INSERT INTO audit_outbox (at, kind, actor, incident_id, proposal_id, details)
    SELECT ${entry.at.toISOString()}::timestamptz, ${entry.kind}, ${entry.actor}, ${entry.incident_id}::uuid, ${entry.proposal_id}::uuid, ${entry.details}::jsonb
    WHERE NOT ${claimsBroken(claims)}
    RETURNING 1 AS queued`.execute(db);
  return rows.length > 0;
}
