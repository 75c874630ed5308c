import { afterEach, beforeEach, expect } from 'vitest';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.ts';
import { createApprovalHarness, type ApprovalHarness } from './approval-harness.ts';
import { approvalQueries } from './approval-queries.ts';

export type ApprovalQueries = ReturnType<typeof approvalQueries>;

/**
 * A fresh harness (throwaway database, sandbox cluster) for every test, handed to `receive`; after every test
 * the audit chain must still verify, whatever the test did.
 */
export function useApprovalHarness(receive: (created: { h: ApprovalHarness; q: ApprovalQueries }) => void): void {
  let current: ApprovalHarness | undefined;
  beforeEach(async () => {
    current = await createApprovalHarness();
    receive({ h: current, q: approvalQueries(current.db) });
  });
  afterEach(async () => {
    if (!current) return;
    expect(await verifyAuditChain(current.db)).toMatchObject({ ok: true });
    await current.close();
  });
}
