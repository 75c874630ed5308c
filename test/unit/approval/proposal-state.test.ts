import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROPOSAL_TTL_MS,
  allowedTransitions,
  canTransition,
  expiresAtFrom,
  isExpired,
  isTerminal,
  proposalStates,
  terminalStates,
} from '../../../src/approval/proposal-state.ts';
import { manualClock } from '../../../src/ports/clock.ts';

describe('proposal state machine', () => {
  it.each([
    ['PENDING', 'APPROVED'],
    ['PENDING', 'REJECTED'],
    ['PENDING', 'EXPIRED'],
    ['PENDING', 'SUPERSEDED'],
    ['APPROVED', 'EXECUTING'],
    ['APPROVED', 'REJECTED'],
    ['APPROVED', 'VOIDED'],
    ['EXECUTING', 'SUCCEEDED'],
    ['EXECUTING', 'FAILED'],
    ['EXECUTING', 'VOIDED'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    ['PENDING', 'EXECUTING'],
    ['PENDING', 'SUCCEEDED'],
    ['EXECUTING', 'REJECTED'],
    ['EXECUTING', 'EXPIRED'],
    ['EXECUTING', 'PENDING'],
    ['REJECTED', 'APPROVED'],
    ['VOIDED', 'EXECUTING'],
    ['SUCCEEDED', 'EXECUTING'],
    ['EXPIRED', 'APPROVED'],
  ] as const)('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('has exactly the terminal states that lead nowhere', () => {
    expect([...terminalStates].sort()).toEqual(['EXPIRED', 'FAILED', 'REJECTED', 'SUCCEEDED', 'SUPERSEDED', 'VOIDED']);
    expect(isTerminal('PENDING')).toBe(false);
    expect(isTerminal('VOIDED')).toBe(true);
  });

  it('names only known states', () => {
    for (const targets of Object.values(allowedTransitions)) {
      for (const target of targets) expect(proposalStates).toContain(target);
    }
  });
});

describe('expiry', () => {
  it('defaults to 30 minutes and expires at the instant', () => {
    const created = new Date('2024-05-01T10:00:00Z');
    const clock = manualClock(created);
    const proposal = { expiresAt: expiresAtFrom(created) };
    expect(DEFAULT_PROPOSAL_TTL_MS).toBe(30 * 60 * 1000);
    clock.advance(DEFAULT_PROPOSAL_TTL_MS - 1);
    expect(isExpired(proposal, clock)).toBe(false);
    clock.advance(1);
    expect(isExpired(proposal, clock)).toBe(true);
  });
});
