import type { Clock } from '../ports/clock.ts';

/** Life cycle of a remediation proposal. */
export const proposalStates = ['PENDING', 'APPROVED', 'EXECUTING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'VOIDED'] as const;
export type ProposalState = (typeof proposalStates)[number];

/** Proposals expire unless approved and run within this time (DESIGN.md §2). */
export const DEFAULT_PROPOSAL_TTL_MS = 30 * 60 * 1000;

/**
 * Allowed moves, enforced by `transitionProposal` (anything else throws). Notes on the less obvious ones:
 * - APPROVED → REJECTED: a reject beats a concurrent approve, until execution has claimed it.
 * - APPROVED → EXPIRED: not executed before its expiry, or its incident resolved; it never runs.
 * - PENDING/APPROVED → SUPERSEDED: a newer proposal, or an analysis it no longer follows from.
 * - APPROVED/EXECUTING → VOIDED: the TOCTOU re-check found the world changed since signing.
 * - PENDING → VOIDED: the plan changed (new dry-run state) before quorum; its signatures are void.
 * - EXECUTING cannot expire, be rejected or superseded: the action is already running.
 * LOW proposals pass through APPROVED too, so every execution starts from one state.
 */
export const allowedTransitions: Readonly<Record<ProposalState, readonly ProposalState[]>> = {
  PENDING: ['APPROVED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'VOIDED'],
  APPROVED: ['EXECUTING', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'VOIDED'],
  EXECUTING: ['SUCCEEDED', 'FAILED', 'VOIDED'],
  SUCCEEDED: [],
  FAILED: [],
  REJECTED: [],
  EXPIRED: [],
  SUPERSEDED: [],
  VOIDED: [],
};

export function canTransition(from: ProposalState, to: ProposalState): boolean {
  return allowedTransitions[from].includes(to);
}

/** States a proposal never leaves; kept for the audit trail. */
export const terminalStates: readonly ProposalState[] = proposalStates.filter((state) => allowedTransitions[state].length === 0);

export function isTerminal(state: ProposalState): boolean {
  return allowedTransitions[state].length === 0;
}

/** Expiry time of a proposal created at `createdAt`. */
export function expiresAtFrom(createdAt: Date, ttlMs: number = DEFAULT_PROPOSAL_TTL_MS): Date {
  return new Date(createdAt.getTime() + ttlMs);
}

/** True from the expiry instant on. */
export function isExpired(proposal: { expiresAt: Date }, clock: Clock): boolean {
  return clock.now().getTime() >= proposal.expiresAt.getTime();
}
