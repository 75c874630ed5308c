import type { Kysely } from 'kysely';
import type { DryRunResult, ExecuteResult, PlannedAction } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { claimExecution } from './claim-execution.ts';
import { withExecutionLock } from './execution-lock.ts';
import { finishExecution, type ExecutionOutcome } from './finish-execution.ts';
import { planHash } from './plan-hash.ts';
import type { ProposalRow } from './proposal.table.ts';
import { isUuid, signedDryRunOf } from './proposal-repository.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';
import { stateDiff } from './state-diff.ts';

export type ExecuteProposalErrorCode = 'unknown_proposal' | 'not_approved' | 'busy';

/**
 * `ok: true` when this call took the proposal and recorded how it ended (VOIDED included); `ok: false` when
 * there was nothing for it to do (not approved, or already taken by another worker). Either way, safe to retry.
 */
export type ExecuteProposalResult =
  | { ok: true; state: 'SUCCEEDED' | 'FAILED' | 'VOIDED' }
  | { ok: false; error: { code: ExecuteProposalErrorCode; message: string } };

function fail(code: ExecuteProposalErrorCode, message: string): ExecuteProposalResult {
  return { ok: false, error: { code, message } };
}

/**
 * Runs an APPROVED proposal at most once, whoever calls it and however often (job retries, replicas):
 * claim (committed before the cluster is touched) → fresh dry-run, compared with what was signed (TOCTOU:
 * any change voids it) → execute against the signed state → record the outcome.
 */
export async function executeProposal(deps: ApprovalDependencies, proposalId: string): Promise<ExecuteProposalResult> {
  if (!isUuid(proposalId)) return fail('unknown_proposal', `no proposal ${proposalId}`);
  const locked = await withExecutionLock(deps.db, proposalId, 0, (connection) => run(connection, deps, proposalId));
  return locked.acquired ? locked.value : fail('busy', 'another worker is executing or reconciling this proposal');
}

async function run(connection: Kysely<DatabaseSchema>, deps: ApprovalDependencies, proposalId: string): Promise<ExecuteProposalResult> {
  const claim = await connection.transaction().execute((trx) => claimExecution(trx, deps, proposalId));
  if (claim.kind === 'unknown') return fail('unknown_proposal', `no proposal ${proposalId}`);
  if (claim.kind === 'not_approved') return fail('not_approved', `proposal is ${claim.state}, not APPROVED`);
  await publishIncidentUpdated(deps.events, claim.proposal.incident_id);
  if (claim.kind === 'voided') return { ok: true, state: 'VOIDED' };

  const outcome = await act(deps, claim.proposal, claim.planned, claim.executionId);
  // Holding the execution lock, nobody else can have finished it: the guard only backs that up.
  await connection.transaction().execute((trx) => finishExecution(trx, deps.clock, claim.proposal, claim.executionId, outcome));
  await publishIncidentUpdated(deps.events, claim.proposal.incident_id);
  return { ok: true, state: outcome.state };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The cluster part. Never throws for the cluster's sake: every way it can end becomes an outcome to record. */
async function act(deps: ApprovalDependencies, proposal: ProposalRow, planned: PlannedAction, executionId: string): Promise<ExecutionOutcome> {
  const signed = signedDryRunOf(proposal);
  let fresh: DryRunResult;
  try {
    fresh = await deps.cluster.dryRun(planned);
  } catch (error) {
    return failed(`dry-run before execution failed: ${message(error)}; nothing was changed`, { executionId });
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

  let executed: ExecuteResult;
  try {
    // The fresh state equals the signed one (same plan hash); its fingerprint is the cluster's precondition.
    executed = await deps.cluster.execute(planned, { expectedFingerprint: fresh.fingerprint, executionId });
  } catch (error) {
    return afterThrow(deps, planned, executionId, message(error), fresh);
  }
  if (executed.ok) {
    return {
      state: 'SUCCEEDED',
      outcome: executed.message,
      result: executed,
      dryRun: fresh,
      earnsTrust: true,
      audit: { kind: 'execution_succeeded', details: { message: executed.message, stateAfter: executed.state } },
    };
  }
  if (executed.error.code === 'state_changed') {
    // Changed between our dry-run and the write: the same TOCTOU verdict, caught by the cluster's precondition.
    const after = await deps.cluster.dryRun(planned).then(
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

/** `execute` threw: whether it took effect is unknown, so ask the cluster, as after a crash. Never run again. */
async function afterThrow(
  deps: ApprovalDependencies,
  planned: PlannedAction,
  executionId: string,
  error: string,
  fresh: DryRunResult,
): Promise<ExecutionOutcome> {
  const found = await deps.cluster.reconcile(planned, executionId).catch(() => 'unknown' as const);
  const details = { error, reconcile: found };
  if (found === 'applied') {
    const outcome = `cluster error (${error}), but the action took effect`;
    return {
      state: 'SUCCEEDED',
      outcome,
      result: details,
      dryRun: fresh,
      reconciled: true,
      earnsTrust: false,
      audit: { kind: 'execution_reconciled', details: { ...details, outcome } },
    };
  }
  const outcome =
    found === 'not_applied' ? `cluster error (${error}); it did not take effect; not retried` : `cluster error (${error}); state unknown — check by hand`;
  return {
    state: 'FAILED',
    outcome,
    result: details,
    dryRun: fresh,
    reconciled: true,
    earnsTrust: false,
    audit: { kind: 'execution_reconciled', details: { ...details, outcome } },
  };
}
