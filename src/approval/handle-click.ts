import type { Transaction } from 'kysely';
import { z } from 'zod';
import { formatIssues } from '../alerts/format-issues.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { platforms, type Person } from '../domain/person.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { closeProposal, expiryReason, logClosedProposal, type ClosedProposal } from './close-proposal.ts';
import type { ProposalRow } from './proposal.table.ts';
import { isExpired, type ProposalState } from './proposal-state.ts';
import { currentQuorum, isUuid, lockProposal, transitionProposal } from './proposal-repository.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';
import { canReject, canSign, requiredSignatures } from './quorum.ts';
import { resolvePerson } from './resolve-person.ts';
import { applyTrustEvent } from './trust-repository.ts';

/** A button click, platform-neutral. Adapters verify the platform's request, then parse into this. */
export const clickSchema = z.strictObject({
  platform: z.enum(platforms),
  accountId: z.string().min(1).max(256),
  proposalId: z.string().refine(isUuid, 'not a proposal id'),
  decision: z.enum(['approve', 'reject']),
});
export type Click = z.infer<typeof clickSchema>;

export type ClickErrorCode =
  | 'invalid_click'
  | 'unknown_person'
  | 'unknown_proposal'
  | 'not_eligible'
  | 'four_eyes'
  | 'already_signed'
  | 'proposal_closed'
  | 'approval_expired';

/** Messages are meant for the clicker alone (an ephemeral reply): they may name their roles, nothing secret. */
export type ClickResult = { ok: true; state: ProposalState; message: string } | { ok: false; error: { code: ClickErrorCode; message: string } };

type Decided = { result: ClickResult; changedIncident: string | null; expired?: ClosedProposal };

function refuse(code: ClickErrorCode, message: string, changedIncident: string | null = null): Decided {
  return { result: { ok: false, error: { code, message } }, changedIncident };
}

/**
 * The one door for approve/reject buttons. The input is parsed with `clickSchema` first: anything else changes
 * nothing. Everything happens in one transaction holding the proposal's row lock, so clicks from every replica
 * and platform queue one behind the other, and the executor's claim (APPROVED → EXECUTING) queues behind them
 * too: a reject that gets the lock before the claim wins.
 */
export async function handleClick(deps: ApprovalDependencies, input: unknown): Promise<ClickResult> {
  const parsed = clickSchema.safeParse(input);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error);
    deps.log.info({ result: 'invalid_click', problems }, 'click refused');
    return { ok: false, error: { code: 'invalid_click', message: `This click could not be read (${problems.join('; ')}).` } };
  }
  const click = parsed.data;
  const person = resolvePerson(deps.people, click.platform, click.accountId);
  const decided: Decided =
    person === undefined
      ? refuse('unknown_person', `Your ${click.platform} account is not linked to anyone allowed to approve; ask an admin to add it.`)
      : await deps.db.transaction().execute((trx) => decide(trx, deps, person, click));
  const { result } = decided;
  deps.log.info(
    {
      proposalId: click.proposalId,
      personId: person?.id ?? null,
      platform: click.platform,
      decision: click.decision,
      result: result.ok ? result.state : result.error.code,
    },
    'click',
  );
  if (decided.expired !== undefined) logClosedProposal(deps.log, decided.expired);
  if (decided.changedIncident !== null) await publishIncidentUpdated(deps.events, decided.changedIncident);
  return result;
}

async function decide(trx: Transaction<DatabaseSchema>, deps: ApprovalDependencies, person: Person, click: Click): Promise<Decided> {
  const proposal = await lockProposal(trx, click.proposalId);
  if (proposal === undefined) return refuse('unknown_proposal', 'This proposal does not exist.');
  const now = deps.clock.now();

  if ((proposal.state === 'PENDING' || proposal.state === 'APPROVED') && isExpired({ expiresAt: proposal.expires_at }, deps.clock)) {
    const expired = await closeProposal(trx, { proposalId: proposal.id, to: 'EXPIRED', reason: expiryReason, at: now, details: { noticedBy: person.id } });
    const refused = refuse('approval_expired', `This proposal expired at ${proposal.expires_at.toISOString()}; ask for a fresh one.`, proposal.incident_id);
    return expired === undefined ? refused : { ...refused, expired };
  }
  if (proposal.state !== 'PENDING' && proposal.state !== 'APPROVED') {
    return refuse('proposal_closed', `This proposal is ${proposal.state.toLowerCase()}; there is nothing left to decide.`);
  }
  const allowed = click.decision === 'approve' ? canSign(proposal.risk, person.roles) : canReject(proposal.risk, person.roles);
  if (!allowed) {
    return refuse(
      'not_eligible',
      `A ${proposal.risk} proposal is decided by ${requiredSignatures(proposal.risk).rolesText}; your roles: ${person.roles.join(', ')}.`,
    );
  }
  const previous = await trx
    .selectFrom('signatures')
    .select('decision')
    .where('proposal_id', '=', proposal.id)
    .where('person_id', '=', person.id)
    .executeTakeFirst();
  if (click.decision === 'reject') return reject(trx, deps, person, click, proposal, previous !== undefined);

  if (proposal.risk !== 'LOW' && proposal.requested_by === person.id) {
    return refuse('four_eyes', 'You asked for this action, so someone else has to approve it (four eyes).');
  }
  if (previous !== undefined) {
    return refuse('already_signed', 'You have already signed this proposal; a person signs once, whichever chat they use.');
  }
  return approve(trx, deps, person, click, proposal);
}

async function approve(trx: Transaction<DatabaseSchema>, deps: ApprovalDependencies, person: Person, click: Click, proposal: ProposalRow): Promise<Decided> {
  const now = deps.clock.now();
  await trx
    .insertInto('signatures')
    .values({
      proposal_id: proposal.id,
      person_id: person.id,
      decision: 'approve',
      platform: click.platform,
      account_id: click.accountId,
      roles: [...person.roles],
      plan_hash: proposal.plan_hash,
      signed_at: now,
    })
    .execute();
  const quorum = await currentQuorum(trx, proposal, deps.people);
  const approved =
    quorum.met && proposal.state === 'PENDING' ? await transitionProposal(trx, proposal.id, ['PENDING'], 'APPROVED', { decided_at: now }) : undefined;
  if (approved !== undefined) await deps.jobs.enqueue(trx, 'execute-proposal', { proposalId: proposal.id });

  const common = { at: now, actor: person.id, incidentId: proposal.incident_id, proposalId: proposal.id } as const;
  await appendAudit(trx, {
    ...common,
    kind: 'signature',
    details: { platform: click.platform, accountId: click.accountId, roles: person.roles, planHash: proposal.plan_hash },
  });
  if (approved !== undefined) await appendAudit(trx, { ...common, kind: 'approved', details: { by: 'quorum', counted: quorum.counted } });

  const state = approved?.state ?? proposal.state;
  const message =
    approved !== undefined
      ? 'Signed. Quorum met: approved; it runs after a fresh dry-run confirms nothing changed.'
      : state === 'APPROVED'
        ? 'Signed. It was already approved; your signature is kept as a backup should a signer lose their role.'
        : `Signed. Still needed: ${quorum.missing}.`;
  return { result: { ok: true, state, message }, changedIncident: proposal.incident_id };
}

/**
 * Any eligible reject ends the proposal, also after quorum, as long as execution has not claimed it. Someone
 * who approved and then rejects is heard: their one row becomes a reject (both clicks stay in the audit log).
 */
async function reject(
  trx: Transaction<DatabaseSchema>,
  deps: ApprovalDependencies,
  person: Person,
  click: Click,
  proposal: ProposalRow,
  hadApproved: boolean,
): Promise<Decided> {
  const now = deps.clock.now();
  const signature = {
    decision: 'reject' as const,
    platform: click.platform,
    account_id: click.accountId,
    roles: [...person.roles],
    plan_hash: proposal.plan_hash,
    signed_at: now,
  };
  await trx
    .insertInto('signatures')
    .values({ proposal_id: proposal.id, person_id: person.id, ...signature })
    .onConflict((conflict) => conflict.columns(['proposal_id', 'person_id']).doUpdateSet(signature))
    .execute();
  await transitionProposal(trx, proposal.id, ['PENDING', 'APPROVED'], 'REJECTED', { decided_at: now });
  const trust = await applyTrustEvent(trx, proposal.trust_pattern, 'rejected');

  const common = { at: now, actor: person.id, incidentId: proposal.incident_id, proposalId: proposal.id } as const;
  await appendAudit(trx, {
    ...common,
    kind: 'rejection',
    details: {
      platform: click.platform,
      accountId: click.accountId,
      roles: person.roles,
      planHash: proposal.plan_hash,
      previousState: proposal.state,
      withdrewApproval: hadApproved,
    },
  });
  if (trust !== null) await appendAudit(trx, { ...common, kind: 'trust_changed', details: trust });
  return { result: { ok: true, state: 'REJECTED', message: 'Rejected. The proposal is closed and will not run.' }, changedIncident: proposal.incident_id };
}
