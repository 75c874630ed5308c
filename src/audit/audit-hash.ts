import { canonicalJson, sha256Hex } from '../domain/canonical-json.ts';

/** `previous_hash` of the first entry: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of one audit entry, as stored. */
export interface AuditHashInput {
  /** bigint, as text: exact whatever its size. */
  sequence: string;
  at: Date;
  kind: string;
  actor: string | null;
  incidentId: string | null;
  proposalId: string | null;
  details: unknown;
}

/**
 * sha256(previous hash + canonical JSON of the entry). Writer and verifier share this one function,
 * so they cannot drift apart; the previous hash in front makes every entry vouch for all before it.
 */
export function auditEntryHash(previousHash: string, entry: AuditHashInput): string {
  return sha256Hex(
    previousHash +
      canonicalJson({
        sequence: entry.sequence,
        at: entry.at.toISOString(),
        kind: entry.kind,
        actor: entry.actor,
        incidentId: entry.incidentId,
        proposalId: entry.proposalId,
        details: entry.details,
      }),
  );
}
