import type { ReconcileResult } from '../ports/cluster-port.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { withExecutionLock } from './execution-lock.ts';
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
 * At start-up: settles every proposal left EXECUTING by a process that died, by asking the cluster whether the
 * execution took effect. It NEVER executes anything: a retry after a crash could run an action twice.
 * An execution still in flight in a live replica holds its execution lock and is left alone.
 */
export async function reconcileExecutions(deps: ApprovalDependencies, options: { lockWaitMilliseconds?: number } = {}): Promise<ReconciledExecution[]> {
  const stuck = await deps.db.selectFrom('proposals').select('id').where('state', '=', 'EXECUTING').orderBy('updated_at').execute();
  const settled: ReconciledExecution[] = [];
  for (const { id } of stuck) {
    const locked = await withExecutionLock(deps.db, id, options.lockWaitMilliseconds ?? 2000, async (connection) => {
      // Read again under the lock: the live owner may have finished it meanwhile.
      const proposal = await connection.selectFrom('proposals').selectAll().where('id', '=', id).where('state', '=', 'EXECUTING').executeTakeFirst();
      if (proposal === undefined) return null;
      const execution = await connection.selectFrom('executions').select('id').where('proposal_id', '=', id).where('status', '=', 'running').executeTakeFirst();
      // Claim and executions row commit together, so EXECUTING without a running row is not expected.
      if (execution === undefined) throw new Error(`proposal ${id} is EXECUTING without a running execution`);
      const planned = plannedActionOf(proposal);
      const found: ReconcileResult = planned.ok ? await deps.cluster.reconcile(planned.action, execution.id).catch(() => 'unknown' as const) : 'unknown';
      const state: ReconciledExecution['state'] = found === 'applied' ? 'SUCCEEDED' : 'FAILED';
      const outcome: ExecutionOutcome = {
        state,
        outcome: reconcileOutcomes[found],
        result: { reconcile: found },
        reconciled: true,
        // Nobody saw the result: a reconciled success earns no trust.
        earnsTrust: false,
        audit: { kind: 'execution_reconciled', details: { found, outcome: reconcileOutcomes[found] } },
      };
      const finished = await connection.transaction().execute((trx) => finishExecution(trx, deps.clock, proposal, execution.id, outcome));
      return finished ? { proposalId: id, executionId: execution.id, found, state, incidentId: proposal.incident_id } : null;
    });
    if (!locked.acquired || locked.value === null) continue;
    const { incidentId, ...entry } = locked.value;
    settled.push(entry);
    await publishIncidentUpdated(deps.events, incidentId);
  }
  return settled;
}
