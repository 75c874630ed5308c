import type { ApprovalDependencies } from './approval-dependencies.ts';
import { closeProposal, expiryReason, logClosedProposal } from './close-proposal.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

/**
 * Marks proposals past their expiry EXPIRED and returns their ids: PENDING ones (never approved) and APPROVED
 * ones whose execution did not start in time (a queued job that runs late finds them EXPIRED and never runs
 * them). Called periodically; safe on every replica at once (each close is guarded, one small transaction per
 * proposal, so none waits on another). EXECUTING is never touched.
 */
export async function expireProposals(deps: ApprovalDependencies): Promise<string[]> {
  const now = deps.clock.now();
  const due = await deps.db
    .selectFrom('proposals')
    .select('id')
    .where('state', 'in', ['PENDING', 'APPROVED'])
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .execute();
  const expired: string[] = [];
  for (const { id } of due) {
    const closed = await deps.db.transaction().execute((trx) => closeProposal(trx, { proposalId: id, to: 'EXPIRED', reason: expiryReason, at: now }));
    if (closed === undefined) continue;
    logClosedProposal(deps.log, closed);
    expired.push(id);
    await publishIncidentUpdated(deps.events, closed.proposal.incident_id);
  }
  return expired;
}
