import type { Transaction } from 'kysely';
import { appendAudit, type AuditKind } from '../audit/append-audit.ts';
import type { DryRunResult } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExecutionLease } from './execution-lease.ts';
import type { ProposalRow } from './proposal.table.ts';
import { transitionProposal } from './proposal-repository.ts';
import type { StateDiff } from './state-diff.ts';
import { applyTrustEvent } from './trust-repository.ts';

/** How an execution ended, as `executeProposal` and `sweepExecutions` record it. */
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
  /** Only a success the bot saw itself, of a proposal people approved, earns trust. */
  earnsTrust: boolean;
  audit: { kind: AuditKind; details: Record<string, unknown> };
}

const executionStatus = { SUCCEEDED: 'succeeded', FAILED: 'failed', VOIDED: 'voided' } as const;

/**
 * Records the end of an execution in one transaction: the executions row, guarded by the lease (still running and
 * still ours: an owner whose lease a sweep took over changes nothing), then EXECUTING → final state, trust and
 * audit. Returns false, changing nothing, when the lease is no longer ours.
 */
export async function finishExecution(
  trx: Transaction<DatabaseSchema>,
  clock: Clock,
  proposal: ProposalRow,
  lease: ExecutionLease,
  outcome: ExecutionOutcome,
  cluster: { simulated: boolean },
): Promise<boolean> {
  const now = clock.now();
  // What ran on a simulated cluster changed nothing real: the card and the audit log must not read otherwise.
  const acted = outcome.state !== 'VOIDED' && outcome.outcome !== null;
  const outcomeText = acted && cluster.simulated ? `${outcome.outcome} (simulated)` : outcome.outcome;
  const ours = await trx
    .updateTable('executions')
    .set({
      status: executionStatus[outcome.state],
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      dry_run: outcome.dryRun === undefined ? null : JSON.stringify(outcome.dryRun),
      reconciled: outcome.reconciled ?? false,
      finished_at: now,
      lease_expires_at: null,
    })
    .where('id', '=', lease.executionId)
    .where('status', '=', 'running')
    .where('lease_owner', '=', lease.owner)
    .returning('id')
    .executeTakeFirst();
  if (ours === undefined) return false;
  const finished = await transitionProposal(trx, proposal.id, ['EXECUTING'], outcome.state, {
    outcome: outcomeText,
    void_reason: outcome.voidReason ?? null,
    void_diff: outcome.voidDiff == null ? null : JSON.stringify(outcome.voidDiff),
  });
  // A running execution belongs to an EXECUTING proposal (claim and finish change both together).
  if (finished === undefined) throw new Error(`execution ${lease.executionId} is running but proposal ${proposal.id} is not EXECUTING`);
  const trust = outcome.earnsTrust ? await applyTrustEvent(trx, proposal.trust_pattern, 'executed_ok') : null;

  const common = { at: now, incidentId: proposal.incident_id, proposalId: proposal.id } as const;
  await appendAudit(trx, {
    ...common,
    kind: outcome.audit.kind,
    details: { executionId: lease.executionId, state: outcome.state, ...outcome.audit.details, ...(cluster.simulated && { simulated: true }) },
  });
  if (trust !== null) await appendAudit(trx, { ...common, kind: 'trust_changed', details: trust });
  return true;
}
