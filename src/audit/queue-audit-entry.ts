import type { Kysely } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { AuditEntry } from './append-audit.ts';

/**
 * Writes an entry to the audit outbox in the caller's transaction (or on its own when it records no change):
 * durable with the change it records, and without the chain's lock, so concurrent writers do not queue behind
 * each other. A sealer chains it within seconds (sealAuditOutbox). For high-volume entries (receipts of alerts);
 * decisions use appendAudit.
 */
export async function queueAuditEntry(db: Kysely<DatabaseSchema>, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_outbox').values(outboxValues(entry)).execute();
}

/** The outbox row of an entry; for writers that queue it inside a larger statement. */
export function outboxValues(entry: AuditEntry) {
  return {
    at: entry.at,
    kind: entry.kind,
    actor: entry.actor ?? null,
    incident_id: entry.incidentId ?? null,
    proposal_id: entry.proposalId ?? null,
    details: canonicalJson(entry.details),
  };
}
