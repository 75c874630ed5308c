import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import type { ApprovalDependencies } from '../../../src/approval/approval-dependencies.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { sweepExecutions } from '../../../src/approval/sweep-executions.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import { actions, createApprovalHarness, insertIncident, slackOf, testPeople, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { fileBackedCluster } from '../../support/file-backed-cluster.ts';
import { gatedCluster } from '../../support/gated-cluster.ts';
import { eventually, startTestBot, type TestBot } from '../../support/start-test-bot.ts';

const childScript = fileURLToPath(new URL('../../support/crash-execute.ts', import.meta.url));
/** The child's lease: short, so that the sweep may take it over soon after the SIGKILL. */
const childLease = 400;

/** Runs the child to its SIGKILL; resolves with how it ended, its pid and what it wrote to stderr. */
function runChild(args: string[], now?: Date): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; pid: number | undefined }> {
  return new Promise((resolve, reject) => {
    const clock = now === undefined ? [] : [now.toISOString()];
    const child = spawn(process.execPath, [childScript, ...args, String(childLease), ...clock], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, pid: child.pid }));
  });
}

/** Sweeps until the sweep settles something (the dead child's lease has to run out first). */
const sweepUntilSettled = (deps: ApprovalDependencies) =>
  eventually(async () => {
    const settled = await sweepExecutions(deps);
    return settled.length > 0 ? settled : undefined;
  });

describe('crash during execution: the execution sweep settles it [sandbox cluster, simulated]', () => {
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

    const child = await runChild([h.database.url, proposalId, snapshotFile, when, JSON.stringify(testPeople)], h.clock.now());
    expect(child).toMatchObject({ signal: 'SIGKILL', stderr: '' });

    // What the dead process left: the claim and the executions row (with its lease) were committed before the cluster was touched.
    expect((await q.proposal(proposalId)).state).toBe('EXECUTING');
    const [execution] = await q.executions(proposalId);
    expect(execution).toMatchObject({ status: 'running', finished_at: null, lease_owner: expect.stringContaining(`/${child.pid}/`) });
    // "After restart": the cluster as the crash left it.
    const restored = SandboxCluster.fromSnapshot(JSON.parse(readFileSync(snapshotFile, 'utf8')));
    const deps: ApprovalDependencies = { ...h.deps, cluster: restored, leaseMilliseconds: childLease };
    return { proposalId, executionId: execution!.id, restored, deps };
  }

  it('killed after the cluster applied the action: the sweep records SUCCEEDED once the lease ran out, and nothing runs twice', async () => {
    const { proposalId, executionId, restored, deps } = await crashDuringExecution('after-apply');
    expect(restored.executions[executionId]).toBe(1);

    expect(await sweepUntilSettled(deps)).toEqual([{ proposalId, executionId, found: 'applied', state: 'SUCCEEDED' }]);
    expect(await q.proposal(proposalId)).toMatchObject({ state: 'SUCCEEDED', outcome: expect.stringMatching(/took effect before the interruption/) });
    expect(await q.executions(proposalId)).toMatchObject([{ status: 'succeeded', reconciled: true }]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        message: 'interrupted execution reconciled',
        fields: expect.objectContaining({ proposalId, found: 'applied', state: 'SUCCEEDED' }),
      }),
    );

    // The queued job, retried after the crash, and later sweeps all find nothing to do.
    expect(await executeProposal(deps, proposalId)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await sweepExecutions(deps)).toEqual([]);
    expect(restored.executions[executionId]).toBe(1);
    expect(await q.auditKinds(proposalId)).toEqual(['proposal_created', 'signature', 'approved', 'execution_started', 'execution_reconciled']);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('killed before the cluster applied it: FAILED "interrupted…", never executed', async () => {
    const { proposalId, executionId, restored, deps } = await crashDuringExecution('before-apply');
    const annotationsBefore = restored.get('Deployment', 'shop', 'checkout')?.annotations;

    expect(await sweepUntilSettled(deps)).toEqual([{ proposalId, executionId, found: 'not_applied', state: 'FAILED' }]);
    expect(await q.proposal(proposalId)).toMatchObject({ state: 'FAILED', outcome: 'interrupted before it took effect; not retried (simulated)' });
    expect(await q.executions(proposalId)).toMatchObject([{ status: 'failed', reconciled: true }]);
    expect(await executeProposal(deps, proposalId)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(restored.executions).toEqual({});
    expect(restored.get('Deployment', 'shop', 'checkout')?.annotations).toEqual(annotationsBefore);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('leaves alone an execution in flight in a live process: its heartbeat keeps renewing the lease', async () => {
    // Long enough that a renewal delayed by a busy machine (two test files at once on two cores) still lands in time.
    const lease = 600;
    const gated = gatedCluster(h.sandbox);
    const deps: ApprovalDependencies = { ...h.deps, cluster: gated.cluster, leaseMilliseconds: lease };
    const created = await createProposal(deps, { incidentId: h.incidentId, planned: actions.restartCheckout, reason: 'live', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    await handleClick(deps, h.click('alice', created.proposal.id, 'approve'));
    const running = executeProposal(deps, created.proposal.id);
    await gated.reached;
    // Three leases long: without renewals the lease would have run out twice over, and a sweep would take it.
    for (let round = 0; round < 6; round++) {
      await sleep(lease / 2);
      expect(await sweepExecutions(deps)).toEqual([]);
    }
    expect((await q.proposal(created.proposal.id)).state).toBe('EXECUTING');
    gated.release();
    expect(await running).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect((await q.proposal(created.proposal.id)).state).toBe('SUCCEEDED');
  });
});

describe('a process dies mid-execution while another bot runs [sandbox cluster in a shared file, simulated]', () => {
  let bot: TestBot;
  let directory: string;
  afterEach(async () => {
    await bot?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('the running bot’s periodic execution sweep takes over the dead lease and reconciles it within seconds, without a restart', async () => {
    directory = mkdtempSync(join(tmpdir(), 'awoooi-crash-'));
    const snapshotFile = join(directory, 'sandbox.json');
    writeFileSync(snapshotFile, JSON.stringify(SandboxCluster.withDemoData().snapshot()));
    bot = await startTestBot(
      { approvals: { people: testPeople.map((person) => ({ ...person, roles: [...person.roles] })) } },
      { cluster: fileBackedCluster(snapshotFile), leaseMilliseconds: childLease, sweeps: { executionMilliseconds: 200 } },
    );
    const db = bot.bot.database.db;
    // The child executes, not the bot's job worker: nothing is enqueued for it.
    const deps: ApprovalDependencies = { ...bot.bot.approval, jobs: { enqueue: async () => {} } };
    const incidentId = await insertIncident(db);
    const created = await createProposal(deps, { incidentId, planned: actions.restartCheckout, reason: 'crash test', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    const proposalId = created.proposal.id;
    await handleClick(deps, { platform: 'slack', accountId: slackOf['alice']!, proposalId, decision: 'approve' });

    const child = await runChild([bot.database.url, proposalId, snapshotFile, 'after-apply', JSON.stringify(testPeople)]);
    expect(child).toMatchObject({ signal: 'SIGKILL', stderr: '' });

    const q = approvalQueries(db);
    const settled = await eventually(async () => {
      const proposal = await q.proposal(proposalId);
      return proposal.state === 'EXECUTING' ? undefined : proposal;
    });
    expect(settled).toMatchObject({ state: 'SUCCEEDED', outcome: expect.stringMatching(/took effect before the interruption/) });
    const [execution] = await q.executions(proposalId);
    expect(execution).toMatchObject({ status: 'succeeded', reconciled: true });
    const reconciled = (await q.audit(proposalId)).find((entry) => entry.kind === 'execution_reconciled');
    // Taken over from the dead child's lease by this (still running) process.
    expect(reconciled?.details).toMatchObject({ found: 'applied', previousLeaseOwner: expect.stringContaining(`/${child.pid}/`) });
    expect(execution!.lease_owner).toContain(`/${process.pid}/`);
    const world = SandboxCluster.fromSnapshot(JSON.parse(readFileSync(snapshotFile, 'utf8')));
    expect(world.executions[execution!.id]).toBe(1);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
