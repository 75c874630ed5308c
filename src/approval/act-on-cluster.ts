import { deadline, failureText } from '../ports/call-options.ts';
import type { DryRunResult, ExecuteResult, PlannedAction } from '../ports/cluster-port.ts';
import { timingsOf, type ApprovalDependencies } from './approval-dependencies.ts';
import type { ExecutionOutcome } from './finish-execution.ts';
import { incidentCluster } from './incident-cluster.ts';
import { planHash } from './plan-hash.ts';
import type { ProposalRow } from './proposal.table.ts';
import { signedDryRunOf } from './proposal-repository.ts';
import { stateDiff } from './state-diff.ts';
import { earnsTrust } from './trust.ts';

/**
 * The cluster part of an execution: a fresh dry-run compared with what was signed (TOCTOU: any change voids it),
 * then the action against the signed state, on the incident's own cluster (ADR 0032: its one database read; a
 * cluster no longer configured fails closed, nothing written anywhere). Every call has its deadline, and `lease` cuts
 * them off when the execution's lease is lost. Never throws for the cluster's sake: every way it can end becomes
 * an outcome to record; an execute that did not answer is reconciled, never run again.
 */
export async function actOnCluster(
  deps: ApprovalDependencies,
  proposal: ProposalRow,
  planned: PlannedAction,
  executionId: string,
  lease: AbortSignal,
): Promise<ExecutionOutcome> {
  const chosen = await incidentCluster(deps, proposal.incident_id);
  if (!chosen.ok) return failed(`${chosen.message}; nothing was changed`, { executionId, error: chosen.message });
  const outcome = await actOn({ ...deps, cluster: chosen.cluster }, proposal, planned, executionId, lease);
  // Among several clusters, the audit names the one that was acted on.
  return chosen.name === null ? outcome : { ...outcome, audit: { ...outcome.audit, details: { ...outcome.audit.details, cluster: chosen.name } } };
}

async function actOn(
  deps: ApprovalDependencies,
  proposal: ProposalRow,
  planned: PlannedAction,
  executionId: string,
  lease: AbortSignal,
): Promise<ExecutionOutcome> {
  const timeout = timingsOf(deps).clusterTimeoutMilliseconds;
  const signed = signedDryRunOf(proposal);
  const dryRunSignal = deadline(timeout, lease);
  let fresh: DryRunResult;
  try {
    fresh = await deps.cluster.dryRun(planned, { signal: dryRunSignal });
  } catch (error) {
    const why = failureText(error, dryRunSignal);
    return failed(`dry-run before execution did not complete (${why}); nothing was changed`, { executionId, error: why });
  }
  if (!fresh.ok || planHash(planned, fresh.state) !== proposal.plan_hash) {
    const diff = stateDiff(signed.state, fresh.state);
    const reason = fresh.ok
      ? `state changed since signing (${diff.keys.join(', ')})`
      : `dry-run failed at execution: ${fresh.findings
          .filter((finding) => !finding.ok)
          .map((finding) => finding.message)
          .join('; ')}`;
    return voided(reason, diff, fresh);
  }

  const executeSignal = deadline(timeout, lease);
  let executed: ExecuteResult;
  try {
    // The fresh state equals the signed one (same plan hash); its fingerprint is the cluster's precondition.
    executed = await deps.cluster.execute(planned, { expectedFingerprint: fresh.fingerprint, executionId, signal: executeSignal });
  } catch (error) {
    return afterThrow(deps, planned, executionId, failureText(error, executeSignal), fresh);
  }
  if (executed.ok) {
    return {
      state: 'SUCCEEDED',
      outcome: executed.message,
      result: executed,
      dryRun: fresh,
      earnsTrust: earnsTrust(proposal.risk),
      audit: { kind: 'execution_succeeded', details: { message: executed.message, stateAfter: executed.state } },
    };
  }
  if (executed.error.code === 'state_changed') {
    // Changed between our dry-run and the write: the same TOCTOU verdict, caught by the cluster's precondition.
    const after = await deps.cluster.dryRun(planned, { signal: deadline(timeout) }).then(
      (result) => result.state,
      () => fresh.state,
    );
    return voided(`state changed at execution: ${executed.error.message}`, stateDiff(signed.state, after), fresh);
  }
  return { ...failed(`${executed.error.code}: ${executed.error.message}`, executed.error), dryRun: fresh };
}

/** `result` is what the cluster answered, kept on the executions row. */
function failed(outcome: string, result: unknown): ExecutionOutcome {
  return { state: 'FAILED', outcome, result, earnsTrust: false, audit: { kind: 'execution_failed', details: { outcome } } };
}

function voided(reason: string, diff: ReturnType<typeof stateDiff>, fresh: DryRunResult): ExecutionOutcome {
  return {
    state: 'VOIDED',
    outcome: null,
    voidReason: reason,
    voidDiff: diff,
    dryRun: fresh,
    earnsTrust: false,
    audit: { kind: 'voided', details: { reason, before: 'EXECUTING', after: 'VOIDED', diff } },
  };
}

/**
 * `execute` threw or did not answer in time: whether it took effect is unknown, so ask the cluster (with a deadline
 * of its own: a lost lease does not stop a read), as after a crash. Never run again.
 */
async function afterThrow(
  deps: ApprovalDependencies,
  planned: PlannedAction,
  executionId: string,
  error: string,
  fresh: DryRunResult,
): Promise<ExecutionOutcome> {
  const signal = deadline(timingsOf(deps).clusterTimeoutMilliseconds);
  const found = await deps.cluster.reconcile(planned, executionId, { signal }).catch(() => 'unknown' as const);
  const details = { error, reconcile: found };
  const reconciled = (state: 'SUCCEEDED' | 'FAILED', outcome: string): ExecutionOutcome => ({
    state,
    outcome,
    result: details,
    dryRun: fresh,
    reconciled: true,
    // Nobody saw the result: a reconciled success earns no trust.
    earnsTrust: false,
    audit: { kind: 'execution_reconciled', details: { ...details, outcome } },
  });
  if (found === 'applied') return reconciled('SUCCEEDED', `cluster error (${error}), but the action took effect`);
  return reconciled(
    'FAILED',
    found === 'not_applied' ? `cluster error (${error}); it did not take effect; not retried` : `cluster error (${error}); state unknown — check by hand`,
  );
}
