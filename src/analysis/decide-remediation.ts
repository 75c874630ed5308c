import { describeAction, validatePlannedAction } from '../actions/action-catalog.ts';
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
  /** Who asked for it (slash command); null when the bot proposed it from the analysis. */
  requestedBy: string | null;
}

/** Why no proposal is created; expected outcomes, not errors. */
export type SkipReason = 'incident_resolved' | 'no_proposal' | 'no_valid_proposal' | 'same_plan_live' | 'same_plan_rejected' | 'execution_in_progress';

/** A live proposal to end because it no longer follows from the analysis, and why (its outcome on the card). */
export interface Retirement {
  proposalId: string;
  reason: string;
}

/**
 * A new proposal (replacing the live one, if any, for `supersedeReason`) or a reason to propose nothing; then
 * `retire` names a live proposal the analysis no longer supports, to be superseded all the same.
 */
export type RemediationDecision =
  | { kind: 'propose'; planned: PlannedAction; reason: string; replaces: string | null; supersedeReason: string | null }
  | { kind: 'skip'; reason: SkipReason; message: string; retire: Retirement | null };

export interface RemediationDecisionInput {
  status: 'open' | 'resolved';
  diagnosis: Diagnosis;
  /** Newest first. */
  existing: readonly ExistingProposal[];
  /** The current top root cause, for the reason a proposal gives way; null when none is ranked. */
  topRootCause?: string | null;
}

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
 * supersedes the live one. When the analysis changed so that it proposes nothing (or only a plan a human
 * rejected), the live proposal the bot made from an earlier analysis no longer follows from it and is retired;
 * one a person asked for stays. A plan a human rejected for this incident is not asked again. A running
 * execution is never superseded.
 */
export function decideRemediation(input: RemediationDecisionInput): RemediationDecision {
  if (input.status === 'resolved') return skip('incident_resolved', 'the incident is resolved', null);
  const current = input.existing.find((proposal) => live.includes(proposal.state));
  if (current?.state === 'EXECUTING') return skip('execution_in_progress', `proposal ${current.id} is executing`, null);
  const because = (what: string) => `no longer follows from the analysis: ${cause(input.topRootCause)}; ${what}`;
  const retire = (what: string): Retirement | null =>
    current !== undefined && current.requestedBy === null ? { proposalId: current.id, reason: because(what) } : null;

  if (input.diagnosis.proposals.length === 0) return skip('no_proposal', 'the diagnosis proposes no action', retire('no action proposed'));
  const picked = firstValidProposal(input.diagnosis);
  if (!('planned' in picked)) {
    return skip('no_valid_proposal', `no proposal fits the action catalog: ${picked.problems.join('; ')}`, retire('no action proposed'));
  }
  const key = planKey(picked.planned);
  if (current !== undefined && planKey(current) === key) return skip('same_plan_live', `proposal ${current.id} already asks for this (${current.state})`, null);
  const rejected = input.existing.find((proposal) => proposal.state === 'REJECTED' && planKey(proposal) === key);
  if (rejected !== undefined) {
    return skip(
      'same_plan_rejected',
      `proposal ${rejected.id} with this plan was rejected`,
      retire(`it proposes ${describeAction(picked.planned)}, rejected before`),
    );
  }
  return {
    kind: 'propose',
    planned: picked.planned,
    reason: picked.reason,
    replaces: current?.id ?? null,
    supersedeReason: current === undefined ? null : because(`it proposes ${describeAction(picked.planned)} instead`),
  };
}

function cause(topRootCause: string | null | undefined): string {
  return topRootCause ? `top root cause is now ${topRootCause}` : 'no root cause is ranked now';
}

function skip(reason: SkipReason, message: string, retire: Retirement | null): RemediationDecision {
  return { kind: 'skip', reason, message, retire };
}
