import type { Transaction } from 'kysely';
import { appendAudit, type AuditKind } from '../audit/append-audit.ts';
import type { DryRunResult } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { ProposalRow } from './proposal.table.ts';
import { transitionProposal } from './proposal-repository.ts';
import type { StateDiff } from './state-diff.ts';
import { applyTrustEvent } from './trust-repository.ts';

/** How an execution ended, as `executeProposal` and `reconcileExecutions` record it. */
export interface ExecutionOutcome {
  state: 'SUCCEEDED' | 'FAILED' | 'VOIDED';
  /** proposals.outcome: one line for the card. */
  outcome: string | null;
  voidReason?: string;
  voidDiff?: StateDiff | null;
  /** executions.result and executions.dry_run. */
  result?: unknown;
  dryRun?: DryRunResult;
  reconciled?: boolean;
  /** Only a success the bot saw itself earns trust. */
  earnsTrust: boolean;
  audit: { kind: AuditKind; details: Record<string, unknown> };
}

const executionStatus = { SUCCEEDED: 'succeeded', FAILED: 'failed', VOIDED: 'voided' } as const;

/**
 * Records the end of an execution: EXECUTING → final state and the executions row, both guarded, with trust
 * and audit. Returns false, changing nothing, when the proposal was no longer EXECUTING.
 */
export async function finishExecution(
  trx: Transaction<DatabaseSchema>,
  clock: Clock,
  proposal: ProposalRow,
  executionId: string,
  outcome: ExecutionOutcome,
): Promise<boolean> {
  const now = clock.now();
  const finished = await transitionProposal(trx, proposal.id, ['EXECUTING'], outcome.state, {
    outcome: outcome.outcome,
    void_reason: outcome.voidReason ?? null,
    void_diff: outcome.voidDiff == null ? null : JSON.stringify(outcome.voidDiff),
  });
  if (finished === undefined) return false;
  await trx
    .updateTable('executions')
    .set({
      status: executionStatus[outcome.state],
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      dry_run: outcome.dryRun === undefined ? null : JSON.stringify(outcome.dryRun),
      reconciled: outcome.reconciled ?? false,
      finished_at: now,
    })
    .where('id', '=', executionId)
    .where('status', '=', 'running')
    .execute();
  const trust = outcome.earnsTrust ? await applyTrustEvent(trx, proposal.trust_pattern, 'executed_ok') : null;

  const common = { at: now, incidentId: proposal.incident_id, proposalId: proposal.id } as const;
  await appendAudit(trx, { ...common, kind: outcome.audit.kind, details: { executionId, state: outcome.state, ...outcome.audit.details } });
  if (trust !== null) await appendAudit(trx, { ...common, kind: 'trust_changed', details: trust });
  return true;
}
