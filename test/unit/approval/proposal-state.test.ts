import type { Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { transitionProposal } from '../../../src/approval/proposal-repository.ts';
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
import type { DatabaseSchema } from '../../../src/storage/database-schema.ts';

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

describe('transitionProposal enforces the table', () => {
  /** A transaction that fails the test if anything at all is asked of it. */
  const untouchable = new Proxy({} as Transaction<DatabaseSchema>, {
    get: (_target, property) => {
      throw new Error(`the database was touched (${String(property)})`);
    },
  });

  it.each([
    [['EXECUTING'], 'EXPIRED'],
    [['EXECUTING'], 'SUPERSEDED'],
    [['PENDING', 'EXECUTING'], 'REJECTED'],
    [['PENDING'], 'EXECUTING'],
    [['SUCCEEDED'], 'EXECUTING'],
    [[], 'APPROVED'],
  ] as const)('throws for %j → %s before touching the database', async (from, to) => {
    await expect(transitionProposal(untouchable, '5f0c3a9e-8a61-4a4e-9d1f-3c2b1a0e9f8d', from, to)).rejects.toThrow(/not an allowed transition/);
  });

  it('lets an allowed move through to the database', async () => {
    await expect(transitionProposal(untouchable, '5f0c3a9e-8a61-4a4e-9d1f-3c2b1a0e9f8d', ['PENDING', 'APPROVED'], 'EXPIRED')).rejects.toThrow(
      /the database was touched/,
    );
  });
});
