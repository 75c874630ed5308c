import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ProposalRow } from './proposal.table.ts';
import { lockProposal, transitionProposal } from './proposal-repository.ts';

/** What a waiting proposal can end as without running. */
export type CloseState = 'EXPIRED' | 'SUPERSEDED';

/** A proposal that was closed, with what it was before and why it was closed. */
export interface ClosedProposal {
  proposal: ProposalRow;
  previousState: 'PENDING' | 'APPROVED';
  reason: string;
}

export interface CloseInput {
  proposalId: string;
  to: CloseState;
  /** Kept as the proposal's outcome (the card shows it) and in the audit entry; may depend on the state it had. */
  reason: string | ((proposal: ProposalRow) => string);
  at: Date;
  /** Who noticed (a person clicking) or null for the bot. */
  actor?: string | null;
  supersededBy?: string;
  details?: Record<string, unknown>;
}

/**
 * Ends a proposal that is still waiting (PENDING, or APPROVED and not yet claimed for execution) as EXPIRED or
 * SUPERSEDED, with its reason and one audit entry, in the caller's transaction. Undefined, changing nothing, when
 * it was no longer waiting: an EXECUTING proposal is never interrupted.
 */
export async function closeProposal(trx: Transaction<DatabaseSchema>, input: CloseInput): Promise<ClosedProposal | undefined> {
  const current = await lockProposal(trx, input.proposalId);
  if (current === undefined || (current.state !== 'PENDING' && current.state !== 'APPROVED')) return undefined;
  const reason = typeof input.reason === 'string' ? input.reason : input.reason(current);
  const closed = await transitionProposal(trx, current.id, [current.state], input.to, {
    outcome: reason,
    decided_at: input.at,
    ...(input.supersededBy === undefined ? {} : { superseded_by: input.supersededBy }),
  });
  if (closed === undefined) return undefined;
  await appendAudit(trx, {
    kind: input.to === 'EXPIRED' ? 'expired' : 'proposal_superseded',
    at: input.at,
    actor: input.actor ?? null,
    incidentId: current.incident_id,
    proposalId: current.id,
    details: {
      reason,
      previousState: current.state,
      expiresAt: current.expires_at,
      ...(input.supersededBy === undefined ? {} : { supersededBy: input.supersededBy }),
      ...input.details,
    },
  });
  return { proposal: closed, previousState: current.state, reason };
}

/** The one log line of a closed proposal (after commit). */
export function logClosedProposal(log: Logger, closed: ClosedProposal): void {
  const { proposal } = closed;
  log.info(
    {
      proposalId: proposal.id,
      incidentId: proposal.incident_id,
      action: proposal.action,
      previousState: closed.previousState,
      state: proposal.state,
      reason: closed.reason,
      ...(proposal.superseded_by === null ? {} : { supersededBy: proposal.superseded_by }),
    },
    proposal.state === 'EXPIRED' ? 'proposal expired' : 'proposal superseded',
  );
}

/** Why a proposal past its expiry ends: said differently for one still waiting for signatures and one approved. */
export function expiryReason(proposal: ProposalRow): string {
  const at = proposal.expires_at.toISOString();
  return proposal.state === 'APPROVED' ? `approved, but not executed before its expiry at ${at}; not run` : `expired at ${at} before it was approved`;
}
