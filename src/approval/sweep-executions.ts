import { deadline } from '../ports/call-options.ts';
import type { ReconcileResult } from '../ports/cluster-port.ts';
import { incidentCluster } from './incident-cluster.ts';
import { timingsOf, type ApprovalDependencies } from './approval-dependencies.ts';
import { holdLease, newLeaseOwner, takeOverExpiredLeases, type TakenOverLease } from './execution-lease.ts';
import { finishExecution, type ExecutionOutcome } from './finish-execution.ts';
import { plannedActionOf } from './proposal-repository.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

/** What reconcile found for one interrupted execution. */
export interface ReconciledExecution {
  proposalId: string;
  executionId: string;
  found: ReconcileResult;
  state: 'SUCCEEDED' | 'FAILED';
}

/** Outcome lines, as the card and the audit log show them. */
export const reconcileOutcomes: Readonly<Record<ReconcileResult, string>> = {
  applied: 'took effect before the interruption (found by reconcile); not run again',
  not_applied: 'interrupted before it took effect; not retried',
  unknown: 'interrupted; state unknown — check by hand',
};

/**
 * The execution sweep, run every few seconds on every replica: settles executions whose lease ran out (their
 * process died, or lost the database for longer than the lease) by asking the cluster whether they took effect.
 * It NEVER executes anything: a retry after a crash could run an action twice. Safe to run concurrently: each
 * expired lease is taken over by exactly one sweep (a committed, guarded UPDATE); the cluster is then asked with no
 * database connection held, under a heartbeat like any execution; the end is recorded guarded by the new lease.
 * An execution whose owner is alive keeps renewing its lease and is left alone.
 */
export async function sweepExecutions(deps: ApprovalDependencies): Promise<ReconciledExecution[]> {
  const { leaseMilliseconds } = timingsOf(deps);
  const taken = await takeOverExpiredLeases(deps.db, newLeaseOwner(), leaseMilliseconds);
  const settled: ReconciledExecution[] = [];
  for (const lease of taken) {
    try {
      const entry = await settle(deps, lease);
      if (entry !== null) settled.push(entry);
    } catch (error) {
      // One broken row must not keep the others from being settled; its lease runs out and it is tried again.
      deps.log.error({ proposalId: lease.proposalId, executionId: lease.executionId, err: error }, 'reconciling an interrupted execution failed');
    }
  }
  return settled;
}

async function settle(deps: ApprovalDependencies, lease: TakenOverLease): Promise<ReconciledExecution | null> {
  const { clusterTimeoutMilliseconds, leaseMilliseconds } = timingsOf(deps);
  const proposal = await deps.db.selectFrom('proposals').selectAll().where('id', '=', lease.proposalId).executeTakeFirstOrThrow();
  const planned = plannedActionOf(proposal);
  const found = await holdLease(deps.db, lease, leaseMilliseconds, async (signal): Promise<ReconcileResult> => {
    if (!planned.ok) return 'unknown';
    // Asked of the incident's own cluster; one no longer configured cannot tell.
    const chosen = await incidentCluster(deps, proposal.incident_id);
    if (!chosen.ok) return 'unknown';
    return chosen.cluster
      .reconcile(planned.action, lease.executionId, { signal: deadline(clusterTimeoutMilliseconds, signal) })
      .catch(() => 'unknown' as const);
  });
  const state: ReconciledExecution['state'] = found === 'applied' ? 'SUCCEEDED' : 'FAILED';
  const outcome: ExecutionOutcome = {
    state,
    outcome: reconcileOutcomes[found],
    result: { reconcile: found, previousLeaseOwner: lease.previousOwner },
    reconciled: true,
    // Nobody saw the result: a reconciled success earns no trust.
    earnsTrust: false,
    audit: { kind: 'execution_reconciled', details: { found, outcome: reconcileOutcomes[found], previousLeaseOwner: lease.previousOwner } },
  };
  const finished = await deps.db.transaction().execute((trx) => finishExecution(trx, deps.clock, proposal, lease, outcome, deps.cluster));
  if (!finished) return null;
  deps.log.warn(
    { proposalId: proposal.id, incidentId: proposal.incident_id, executionId: lease.executionId, previousLeaseOwner: lease.previousOwner, found, state },
    'interrupted execution reconciled',
  );
  await publishIncidentUpdated(deps.events, proposal.incident_id);
  return { proposalId: proposal.id, executionId: lease.executionId, found, state };
}
