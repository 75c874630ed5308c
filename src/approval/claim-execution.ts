import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { closeProposal, expiryReason, type ClosedProposal } from './close-proposal.ts';
import { INCIDENT_RESOLVED } from './end-incident-proposals.ts';
import { leaseEnd, type ExecutionLease } from './execution-lease.ts';
import type { ProposalRow } from './proposal.table.ts';
import { isExpired, type ProposalState } from './proposal-state.ts';
import { currentQuorum, lockProposal, plannedActionOf, transitionProposal } from './proposal-repository.ts';

/** What claiming a proposal for execution came to. */
export type Claim =
  | { kind: 'claimed'; proposal: ProposalRow; planned: PlannedAction; lease: ExecutionLease }
  | { kind: 'voided'; proposal: ProposalRow; reason: string }
  | { kind: 'expired'; closed: ClosedProposal }
  | { kind: 'not_approved'; state: ProposalState }
  | { kind: 'unknown' };

/**
 * APPROVED → EXECUTING, under the proposal's row lock: of any number of workers only one gets it, and a reject
 * holding the lock goes first and leaves nothing to claim. A proposal past its expiry, or whose incident resolved
 * meanwhile, is not run: it ends EXPIRED (a queued job that runs late never executes it). Then quorum is counted
 * again with the CURRENT roles (a signer who lost a role no longer counts → VOIDED), and the executions row is
 * written with a lease owned by `owner`, so that, once committed, a crash at any later point leaves a trace that
 * the execution sweep settles when the lease runs out.
 */
export async function claimExecution(
  trx: Transaction<DatabaseSchema>,
  deps: ApprovalDependencies,
  proposalId: string,
  lease: { owner: string; milliseconds: number },
): Promise<Claim> {
  const proposal = await lockProposal(trx, proposalId);
  if (proposal === undefined) return { kind: 'unknown' };
  if (proposal.state !== 'APPROVED') return { kind: 'not_approved', state: proposal.state };
  const now = deps.clock.now();

  const refusal = await whyNotRun(trx, deps, proposal);
  if (refusal !== null) {
    const closed = await closeProposal(trx, { proposalId, to: 'EXPIRED', reason: refusal, at: now, details: { noticedBy: 'execution' } });
    // Held under the row lock above, so it is still APPROVED and the close cannot miss.
    if (closed === undefined) throw new Error(`proposal ${proposalId} changed under its row lock`);
    return { kind: 'expired', closed };
  }

  const claimed = await transitionProposal(trx, proposalId, ['APPROVED'], 'EXECUTING');
  if (claimed === undefined) throw new Error(`proposal ${proposalId} changed under its row lock`);
  const common = { at: now, incidentId: claimed.incident_id, proposalId } as const;
  const quorum = await currentQuorum(trx, claimed, deps.people);
  const planned = plannedActionOf(claimed);
  const voidReason = !quorum.met ? `signer lost role: ${quorum.missing}` : !planned.ok ? `no longer a valid catalog action: ${planned.error.message}` : null;
  if (voidReason !== null || !planned.ok) {
    const reason = voidReason ?? 'invalid action';
    const voided = await transitionProposal(trx, proposalId, ['EXECUTING'], 'VOIDED', { void_reason: reason });
    await appendAudit(trx, { ...common, kind: 'voided', details: { reason, counted: quorum.counted, before: 'APPROVED', after: 'VOIDED', diff: null } });
    return { kind: 'voided', proposal: voided ?? claimed, reason };
  }
  const execution = await trx
    .insertInto('executions')
    .values({
      proposal_id: proposalId,
      status: 'running',
      dry_run: null,
      result: null,
      started_at: now,
      finished_at: null,
      lease_owner: lease.owner,
      lease_expires_at: leaseEnd(lease.milliseconds),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(trx, {
    ...common,
    kind: 'execution_started',
    details: {
      executionId: execution.id,
      counted: quorum.counted,
      approvedBy: claimed.risk === 'LOW' ? 'policy' : 'people',
      planHash: claimed.plan_hash,
      leaseOwner: lease.owner,
    },
  });
  return { kind: 'claimed', proposal: claimed, planned: planned.action, lease: { executionId: execution.id, owner: lease.owner } };
}

/**
 * Why an approved proposal must not run now, or null. The incident's status is read, not locked: ingest must
 * not wait on executions. A resolution committed after this read is a race the execution won, as it would have
 * a moment later; one committed before is seen here even when the analysis job has not ended the proposal yet.
 */
async function whyNotRun(trx: Transaction<DatabaseSchema>, deps: ApprovalDependencies, proposal: ProposalRow): Promise<string | null> {
  if (isExpired({ expiresAt: proposal.expires_at }, deps.clock)) return expiryReason(proposal);
  const incident = await trx.selectFrom('incidents').select('status').where('id', '=', proposal.incident_id).executeTakeFirst();
  return incident?.status === 'resolved' ? INCIDENT_RESOLVED : null;
}
