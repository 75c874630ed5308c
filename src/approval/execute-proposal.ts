import { actOnCluster } from './act-on-cluster.ts';
import { timingsOf, type ApprovalDependencies } from './approval-dependencies.ts';
import { claimExecution } from './claim-execution.ts';
import { logClosedProposal } from './close-proposal.ts';
import { holdLease, newLeaseOwner } from './execution-lease.ts';
import { finishExecution, type ExecutionOutcome } from './finish-execution.ts';
import { isUuid } from './proposal-repository.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

export type ExecuteProposalErrorCode = 'unknown_proposal' | 'not_approved' | 'lease_lost';

/**
 * `ok: true` when this call took the proposal and recorded how it ended (VOIDED, and EXPIRED for one that waited
 * too long or whose incident resolved, included); `ok: false` when there was nothing for it to do (not approved,
 * already taken by another worker) or when it lost the lease before recording the end (the execution sweep
 * settles it). Either way, safe to retry: nothing is ever run twice.
 */
export type ExecuteProposalResult =
  | { ok: true; state: 'SUCCEEDED' | 'FAILED' | 'VOIDED' | 'EXPIRED' }
  | { ok: false; error: { code: ExecuteProposalErrorCode; message: string } };

function fail(code: ExecuteProposalErrorCode, message: string): ExecuteProposalResult {
  return { ok: false, error: { code, message } };
}

/**
 * Runs an APPROVED proposal at most once, whoever calls it and however often (job retries, replicas):
 * claim with a lease (a short transaction, committed before the cluster is touched) → the cluster calls, with no
 * database connection held while a heartbeat renews the lease → record the outcome, guarded by the lease.
 */
export async function executeProposal(deps: ApprovalDependencies, proposalId: string): Promise<ExecuteProposalResult> {
  if (!isUuid(proposalId)) return fail('unknown_proposal', `no proposal ${proposalId}`);
  const { leaseMilliseconds } = timingsOf(deps);
  const owner = newLeaseOwner();
  const claim = await deps.db.transaction().execute((trx) => claimExecution(trx, deps, proposalId, { owner, milliseconds: leaseMilliseconds }));
  switch (claim.kind) {
    case 'unknown':
      return fail('unknown_proposal', `no proposal ${proposalId}`);
    case 'not_approved':
      return fail('not_approved', `proposal is ${claim.state}, not APPROVED`);
    case 'expired':
      logClosedProposal(deps.log, claim.closed);
      await publishIncidentUpdated(deps.events, claim.closed.proposal.incident_id);
      return { ok: true, state: 'EXPIRED' };
    case 'voided':
      deps.log.warn({ proposalId, incidentId: claim.proposal.incident_id, state: 'VOIDED', reason: claim.reason, diffKeys: [] }, 'proposal voided');
      await publishIncidentUpdated(deps.events, claim.proposal.incident_id);
      return { ok: true, state: 'VOIDED' };
  }

  const { proposal, planned, lease } = claim;
  const ids = { proposalId, incidentId: proposal.incident_id, executionId: lease.executionId };
  deps.log.info({ ...ids, action: planned.action, risk: proposal.risk, leaseOwner: owner }, 'execution started');
  await publishIncidentUpdated(deps.events, proposal.incident_id);

  const outcome = await holdLease(deps.db, lease, leaseMilliseconds, (signal) => actOnCluster(deps, proposal, planned, lease.executionId, signal));
  const finished = await deps.db.transaction().execute((trx) => finishExecution(trx, deps.clock, proposal, lease, outcome, deps.cluster));
  if (!finished) {
    deps.log.warn(
      { ...ids, state: outcome.state, outcome: outcome.outcome },
      'execution lease lost before its end was recorded; the execution sweep reconciles it',
    );
    return fail('lease_lost', 'the execution lease was taken over before the outcome was recorded; the sweep reconciles it');
  }
  logOutcome(deps, ids, outcome);
  await publishIncidentUpdated(deps.events, proposal.incident_id);
  return { ok: true, state: outcome.state };
}

/** One line for the end of an execution; a VOIDED one says why and which keys of the state changed. */
function logOutcome(deps: ApprovalDependencies, ids: Record<string, string>, outcome: ExecutionOutcome): void {
  if (outcome.state === 'VOIDED') {
    deps.log.warn({ ...ids, state: 'VOIDED', reason: outcome.voidReason, diffKeys: outcome.voidDiff?.keys ?? [] }, 'proposal voided');
    return;
  }
  const fields = { ...ids, state: outcome.state, outcome: outcome.outcome, reconciled: outcome.reconciled ?? false };
  if (outcome.state === 'SUCCEEDED') deps.log.info(fields, 'execution finished');
  else deps.log.warn(fields, 'execution finished');
}
