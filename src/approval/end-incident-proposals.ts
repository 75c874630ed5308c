import type { ApprovalDependencies } from './approval-dependencies.ts';
import { closeProposal, logClosedProposal } from './close-proposal.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

/** The reason stored on proposals whose incident resolved before they ran. */
export const INCIDENT_RESOLVED = 'incident resolved';

/**
 * Ends the waiting proposals (PENDING, APPROVED) of an incident as EXPIRED with `reason`, e.g. when the
 * incident resolved: there is nothing left to fix; or as SUPERSEDED when it merged into another incident, whose
 * own proposal takes over. An EXECUTING one is left to finish. Returns the ids ended.
 */
export async function endIncidentProposals(
  deps: ApprovalDependencies,
  incidentId: string,
  reason: string = INCIDENT_RESOLVED,
  to: 'EXPIRED' | 'SUPERSEDED' = 'EXPIRED',
): Promise<string[]> {
  const waiting = await deps.db
    .selectFrom('proposals')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('state', 'in', ['PENDING', 'APPROVED'])
    .execute();
  const ended: string[] = [];
  for (const { id } of waiting) {
    const at = deps.clock.now();
    const closed = await deps.db.transaction().execute((trx) => closeProposal(trx, { proposalId: id, to, reason, at }));
    if (closed === undefined) continue;
    logClosedProposal(deps.log, closed);
    ended.push(id);
  }
  if (ended.length > 0) await publishIncidentUpdated(deps.events, incidentId);
  return ended;
}
