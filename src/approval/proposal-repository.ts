import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import { validatePlannedAction, type ValidatedAction } from '../actions/action-catalog.ts';
import type { Person } from '../domain/person.ts';
import type { DryRunResult } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ProposalRow, ProposalTable } from './proposal.table.ts';
import { canTransition, type ProposalState } from './proposal-state.ts';
import { evaluateQuorum, type QuorumResult } from './quorum.ts';
import { rolesOf } from './resolve-person.ts';

type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids from buttons are untrusted text; anything not uuid-shaped names no row (and must not reach a uuid cast). */
export function isUuid(value: string): boolean {
  return uuidShape.test(value);
}

/** The proposal, row-locked until the transaction ends: every decision about it queues here. */
export async function lockProposal(trx: Transaction<DatabaseSchema>, id: string): Promise<ProposalRow | undefined> {
  return trx.selectFrom('proposals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Guarded transition: changes the row only if it is still in one of `from`, and returns it, or undefined
 * when another decision got there first. Never a read-then-write. A move the state machine does not allow
 * (`allowedTransitions`) is a programming error: it throws before the database is touched.
 */
export async function transitionProposal(
  trx: Transaction<DatabaseSchema>,
  id: string,
  from: readonly ProposalState[],
  to: ProposalState,
  set: Omit<Updateable<ProposalTable>, 'state' | 'id'> = {},
): Promise<ProposalRow | undefined> {
  const refused = from.filter((state) => !canTransition(state, to));
  if (from.length === 0 || refused.length > 0) {
    throw new Error(`proposal state machine: ${refused.map((state) => `${state} → ${to}`).join(', ') || `nothing → ${to}`} is not an allowed transition`);
  }
  return trx
    .updateTable('proposals')
    .set({ ...set, state: to, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('state', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
}

/** The stored action, checked against the catalog again: a stored row is input like any other. */
export function plannedActionOf(proposal: ProposalRow): ValidatedAction {
  return validatePlannedAction({ action: proposal.action, target: proposal.target, params: proposal.params });
}

/** The dry-run the signatures were bound to (stored whole at creation). */
export function signedDryRunOf(proposal: ProposalRow): DryRunResult {
  return proposal.dry_run as DryRunResult;
}

/**
 * Quorum as it stands now: approve signatures bound to the proposal's plan hash, each signer with the roles
 * the CURRENT configuration gives them (a signer who lost a role, or left, no longer counts).
 */
export async function currentQuorum(executor: Executor, proposal: ProposalRow, people: readonly Person[]): Promise<QuorumResult> {
  const signatures = await executor
    .selectFrom('signatures')
    .select('person_id')
    .where('proposal_id', '=', proposal.id)
    .where('decision', '=', 'approve')
    .where('plan_hash', '=', proposal.plan_hash)
    .orderBy('signed_at')
    .orderBy('person_id')
    .execute();
  return evaluateQuorum({
    risk: proposal.risk,
    requesterPersonId: proposal.requested_by,
    signatures: signatures.map((signature) => ({ personId: signature.person_id, roles: rolesOf(people, signature.person_id) })),
  });
}
