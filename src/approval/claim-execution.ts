import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import type { ProposalRow } from './proposal.table.ts';
import type { ProposalState } from './proposal-state.ts';
import { currentQuorum, plannedActionOf, transitionProposal } from './proposal-repository.ts';

/** What claiming a proposal for execution came to. */
export type Claim =
  | { kind: 'claimed'; proposal: ProposalRow; planned: PlannedAction; executionId: string }
  | { kind: 'voided'; proposal: ProposalRow }
  | { kind: 'not_approved'; state: ProposalState }
  | { kind: 'unknown' };

/**
 * APPROVED → EXECUTING, guarded: of any number of workers only one gets the row; a reject holding the row lock
 * goes first and leaves nothing to claim. Then quorum is counted again with the CURRENT roles (a signer who
 * lost a role no longer counts → VOIDED), and the executions row is written so that, once committed, a crash
 * at any later point leaves a trace for `reconcileExecutions`.
 */
export async function claimExecution(trx: Transaction<DatabaseSchema>, deps: ApprovalDependencies, proposalId: string): Promise<Claim> {
  const claimed = await transitionProposal(trx, proposalId, ['APPROVED'], 'EXECUTING');
  if (claimed === undefined) {
    const row = await trx.selectFrom('proposals').select('state').where('id', '=', proposalId).executeTakeFirst();
    return row === undefined ? { kind: 'unknown' } : { kind: 'not_approved', state: row.state };
  }
  const now = deps.clock.now();
  const common = { at: now, incidentId: claimed.incident_id, proposalId } as const;
  const quorum = await currentQuorum(trx, claimed, deps.people);
  const planned = plannedActionOf(claimed);
  const voidReason = !quorum.met ? `signer lost role: ${quorum.missing}` : !planned.ok ? `no longer a valid catalog action: ${planned.error.message}` : null;
  if (voidReason !== null || !planned.ok) {
    const reason = voidReason ?? 'invalid action';
    const voided = await transitionProposal(trx, proposalId, ['EXECUTING'], 'VOIDED', { void_reason: reason });
    await appendAudit(trx, { ...common, kind: 'voided', details: { reason, counted: quorum.counted, before: 'APPROVED', after: 'VOIDED', diff: null } });
    return { kind: 'voided', proposal: voided ?? claimed };
  }
  const execution = await trx
    .insertInto('executions')
    .values({ proposal_id: proposalId, status: 'running', dry_run: null, result: null, started_at: now, finished_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(trx, {
    ...common,
    kind: 'execution_started',
    details: { executionId: execution.id, counted: quorum.counted, planHash: claimed.plan_hash },
  });
  return { kind: 'claimed', proposal: claimed, planned: planned.action, executionId: execution.id };
}
