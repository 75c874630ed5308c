import { validatePlannedAction } from '../actions/action-catalog.ts';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { ProposalState } from '../approval/proposal-state.ts';
import type { Diagnosis } from '../ports/brain-port.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';

/** A proposal the incident already has, as stored (target and params are JSON). */
export interface ExistingProposal {
  id: string;
  action: string;
  target: unknown;
  params: unknown;
  state: ProposalState;
}

/** Why no proposal is created; expected outcomes, not errors. */
export type SkipReason = 'incident_resolved' | 'no_proposal' | 'no_valid_proposal' | 'same_plan_live' | 'same_plan_rejected' | 'execution_in_progress';

/** A new proposal (replacing the live one, if any) or a reason to leave things as they are. */
export type RemediationDecision =
  | { kind: 'propose'; planned: PlannedAction; reason: string; replaces: string | null }
  | { kind: 'skip'; reason: SkipReason; message: string };

/** The first proposal of a diagnosis the catalog accepts, with the problems of those before it. */
export function firstValidProposal(diagnosis: Diagnosis): { planned: PlannedAction; reason: string } | { problems: string[] } {
  const problems: string[] = [];
  for (const proposal of diagnosis.proposals) {
    const validated = validatePlannedAction(proposal.planned);
    if (validated.ok) return { planned: validated.action, reason: proposal.reason };
    problems.push(validated.error.message);
  }
  return { problems };
}

const live: readonly ProposalState[] = ['PENDING', 'APPROVED', 'EXECUTING'];

/** Identity of a plan: action, target and parameters, whatever order their keys came in. */
export function planKey(plan: { action: string; target: unknown; params: unknown }): string {
  return canonicalJson({ action: plan.action, target: plan.target, params: plan.params ?? {} });
}

/**
 * Whether a diagnosis leads to a new proposal. Alert groups are re-sent every few minutes, so a plan equal
 * to the live one is not proposed again (its collected signatures stay valid); a different plan is, and
 * supersedes the live one. A plan a human rejected for this incident is not asked again. A running
 * execution is never superseded. `existing` is newest first.
 */
export function decideRemediation(input: { status: 'open' | 'resolved'; diagnosis: Diagnosis; existing: readonly ExistingProposal[] }): RemediationDecision {
  if (input.status === 'resolved') return skip('incident_resolved', 'the incident is resolved');
  if (input.diagnosis.proposals.length === 0) return skip('no_proposal', 'the diagnosis proposes no action');
  const picked = firstValidProposal(input.diagnosis);
  if (!('planned' in picked)) return skip('no_valid_proposal', `no proposal fits the action catalog: ${picked.problems.join('; ')}`);

  const key = planKey(picked.planned);
  const current = input.existing.find((proposal) => live.includes(proposal.state));
  if (current?.state === 'EXECUTING') return skip('execution_in_progress', `proposal ${current.id} is executing`);
  if (current !== undefined && planKey(current) === key) return skip('same_plan_live', `proposal ${current.id} already asks for this (${current.state})`);
  const rejected = input.existing.find((proposal) => proposal.state === 'REJECTED' && planKey(proposal) === key);
  if (rejected !== undefined) return skip('same_plan_rejected', `proposal ${rejected.id} with this plan was rejected`);
  return { kind: 'propose', planned: picked.planned, reason: picked.reason, replaces: current?.id ?? null };
}

function skip(reason: SkipReason, message: string): RemediationDecision {
  return { kind: 'skip', reason, message };
}
