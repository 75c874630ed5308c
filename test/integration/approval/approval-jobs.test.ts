import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { registerApprovalJobs } from '../../../src/approval/register-approval-jobs.ts';
import { JobQueue } from '../../../src/jobs/job-queue.ts';
import { actions, createApprovalHarness, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { eventually } from '../../support/start-test-bot.ts';

describe('execution through the durable job queue (pg-boss) [sandbox cluster, simulated]', () => {
  let h: ApprovalHarness;
  let queue: JobQueue;
  beforeEach(async () => {
    h = await createApprovalHarness();
    queue = new JobQueue({ connectionString: h.database.url });
    await queue.start();
    h.deps.jobs = queue;
  });
  afterEach(async () => {
    await queue.stop();
    await h.close();
  });

  const finalState = (id: string) =>
    eventually(async () => {
      const { state } = await approvalQueries(h.db).proposal(id);
      return ['SUCCEEDED', 'FAILED', 'VOIDED'].includes(state) ? state : undefined;
    });

  it('an approval enqueues the execution in its own transaction; the worker runs it once', async () => {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned: actions.restartCheckout, reason: 'r', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(await queue.pending('execute-proposal')).toBe(0);
    expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(await queue.pending('execute-proposal')).toBe(1);

    await registerApprovalJobs(queue, h.deps);
    expect(await finalState(created.proposal.id)).toBe('SUCCEEDED');
    const [execution] = await approvalQueries(h.db).executions(created.proposal.id);
    expect(h.sandbox.executions[execution!.id]).toBe(1);
  });

  it('a LOW proposal runs without a click', async () => {
    await registerApprovalJobs(queue, h.deps);
    h.deps.riskOverrides = { cordon_node: 'LOW' };
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned: actions.cordonNodeA, reason: 'r', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(await finalState(created.proposal.id)).toBe('SUCCEEDED');
    expect(h.sandbox.get('Node', null, 'node-a')?.unschedulable).toBe(true);
  });
});
