import type { ApprovalDependencies } from './approval-dependencies.ts';
import { closeProposal, logClosedProposal } from './close-proposal.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

/**
 * Ends a waiting proposal (PENDING, APPROVED) that no longer follows from its incident's analysis as SUPERSEDED,
 * with `reason` kept as its outcome, audited and logged. False when it was no longer waiting (EXECUTING is never
 * interrupted; a finished one stays as it ended).
 */
export async function supersedeProposal(deps: ApprovalDependencies, proposalId: string, reason: string): Promise<boolean> {
  const at = deps.clock.now();
  const closed = await deps.db.transaction().execute((trx) => closeProposal(trx, { proposalId, to: 'SUPERSEDED', reason, at }));
  if (closed === undefined) return false;
  logClosedProposal(deps.log, closed);
  await publishIncidentUpdated(deps.events, closed.proposal.incident_id);
  return true;
}
