import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { reconcileExecutions } from '../../../src/approval/reconcile-executions.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import { actions, createApprovalHarness, testPeople, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { gatedCluster } from '../../support/gated-cluster.ts';
import { needsService } from '../../support/needs-service.ts';

const childScript = fileURLToPath(new URL('../../support/crash-execute.ts', import.meta.url));

/** Runs the child to its SIGKILL; resolves with how it ended and what it wrote to stderr. */
function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('crash during execution, then restart [sandbox cluster, simulated]', () => {
  let h: ApprovalHarness;
  let q: ReturnType<typeof approvalQueries>;
  let directory: string;
  let snapshotFile: string;
  beforeEach(async () => {
    h = await createApprovalHarness();
    q = approvalQueries(h.db);
    directory = mkdtempSync(join(tmpdir(), 'awoooi-crash-'));
    snapshotFile = join(directory, 'sandbox.json');
  });
  afterEach(async () => {
    await h.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** An approved MEDIUM restart, the sandbox saved to a file, and the child killed mid-execution. */
  async function crashDuringExecution(when: 'after-apply' | 'before-apply') {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned: actions.restartCheckout, reason: 'crash test', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    const proposalId = created.proposal.id;
    expect(await handleClick(h.deps, h.click('alice', proposalId, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    writeFileSync(snapshotFile, JSON.stringify(h.sandbox.snapshot()));

    const child = await runChild([h.database.url, proposalId, snapshotFile, when, JSON.stringify(testPeople)]);
    expect(child).toMatchObject({ signal: 'SIGKILL', stderr: '' });

    // What the dead process left: the claim and the executions row were committed before the cluster was touched.
    expect((await q.proposal(proposalId)).state).toBe('EXECUTING');
    const [execution] = await q.executions(proposalId);
    expect(execution).toMatchObject({ status: 'running', finished_at: null });
    // "After restart": the cluster as the crash left it.
    const restored = SandboxCluster.fromSnapshot(JSON.parse(readFileSync(snapshotFile, 'utf8')));
    return { proposalId, executionId: execution!.id, restored, deps: { ...h.deps, cluster: restored } };
  }

  it('killed after the cluster applied the action: reconcile records SUCCEEDED, and nothing runs twice', async () => {
    const { proposalId, executionId, restored, deps } = await crashDuringExecution('after-apply');
    expect(restored.executions[executionId]).toBe(1);

    expect(await reconcileExecutions(deps)).toEqual([{ proposalId, executionId, found: 'applied', state: 'SUCCEEDED' }]);
    expect(await q.proposal(proposalId)).toMatchObject({ state: 'SUCCEEDED', outcome: expect.stringMatching(/took effect before the interruption/) });
    expect(await q.executions(proposalId)).toMatchObject([{ status: 'succeeded', reconciled: true }]);

    // The queued job, retried after the crash, and a second start-up both find nothing to do.
    expect(await executeProposal(deps, proposalId)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await reconcileExecutions(deps)).toEqual([]);
    expect(restored.executions[executionId]).toBe(1);
    expect(await q.auditKinds(proposalId)).toEqual(['proposal_created', 'signature', 'approved', 'execution_started', 'execution_reconciled']);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('killed before the cluster applied it: FAILED "interrupted…", never executed', async () => {
    const { proposalId, executionId, restored, deps } = await crashDuringExecution('before-apply');
    const annotationsBefore = restored.get('Deployment', 'shop', 'checkout')?.annotations;

    expect(await reconcileExecutions(deps)).toEqual([{ proposalId, executionId, found: 'not_applied', state: 'FAILED' }]);
    expect(await q.proposal(proposalId)).toMatchObject({ state: 'FAILED', outcome: 'interrupted before it took effect; not retried' });
    expect(await q.executions(proposalId)).toMatchObject([{ status: 'failed', reconciled: true }]);
    expect(await executeProposal(deps, proposalId)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(restored.executions).toEqual({});
    expect(restored.get('Deployment', 'shop', 'checkout')?.annotations).toEqual(annotationsBefore);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  needsService('postgres', 'leaves alone an execution still in flight in a live process (it holds the execution lock)', async () => {
    const gated = gatedCluster(h.sandbox);
    const deps = { ...h.deps, cluster: gated.cluster };
    const created = await createProposal(deps, { incidentId: h.incidentId, planned: actions.restartCheckout, reason: 'live', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    await handleClick(deps, h.click('alice', created.proposal.id, 'approve'));
    const running = executeProposal(deps, created.proposal.id);
    await gated.reached;
    expect(await reconcileExecutions(deps, { lockWaitMilliseconds: 100 })).toEqual([]);
    gated.release();
    expect(await running).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect((await q.proposal(created.proposal.id)).state).toBe('SUCCEEDED');
  });
});
