import { describe, expect, it } from 'vitest';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import type { Person } from '../../../src/domain/person.ts';
import type { ClusterPort } from '../../../src/ports/cluster-port.ts';
import { actions, testPeople, type ApprovalHarness } from '../../support/approval-harness.ts';
import { useApprovalHarness, type ApprovalQueries } from '../../support/use-approval-harness.ts';

const withRoles = (personId: string, roles: Person['roles']): Person[] => testPeople.map((person) => (person.id === personId ? { ...person, roles } : person));

describe('execution: roles re-checked, TOCTOU guard, trust [sandbox cluster, simulated]', () => {
  let h: ApprovalHarness;
  let q: ApprovalQueries;
  useApprovalHarness((created) => ({ h, q } = created));

  const propose = async (planned: unknown) => {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned, reason: 'checkout pods crash-loop', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    return created.proposal;
  };

  it('a signer who lost the role before execution no longer counts: VOIDED, the cluster untouched', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    const result = await executeProposal({ ...h.deps, people: withRoles('alice', ['viewer']) }, proposal.id);
    expect(result).toEqual({ ok: true, state: 'VOIDED' });
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'VOIDED', void_reason: expect.stringMatching(/^signer lost role/) });
    expect(await q.executions(proposal.id)).toEqual([]);
    expect(h.sandbox.executions).toEqual({});
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created', 'signature', 'approved', 'voided']);
  });

  it('a signer removed from the configuration altogether no longer counts either', async () => {
    const proposal = await propose(actions.cordonNodeA);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    await handleClick(h.deps, h.click('bob', proposal.id, 'approve'));
    const people = testPeople.filter((person) => person.id !== 'bob');
    expect(await executeProposal({ ...h.deps, people }, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
    expect(h.sandbox.get('Node', null, 'node-a')?.unschedulable).toBe(false);
  });

  it('a spare signature on an approved proposal keeps quorum when one signer loses the role', async () => {
    const proposal = await propose(actions.cordonNodeA);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    await handleClick(h.deps, h.click('bob', proposal.id, 'approve'));
    expect(await handleClick(h.deps, h.click('carol', proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(await executeProposal({ ...h.deps, people: withRoles('bob', ['viewer']) }, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
  });

  it('TOCTOU: the world changed between signing and execution → VOIDED with the difference (logged); no signature carries over', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    expect(h.sandbox.mutate('Deployment', 'shop', 'checkout', { replicas: 5 })).toBe(true);

    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
    const voided = await q.proposal(proposal.id);
    expect(voided.state).toBe('VOIDED');
    expect(voided.void_reason).toMatch(/state changed since signing/);
    const diff = voided.void_diff as { keys: string[]; before: Record<string, unknown>; after: Record<string, unknown> };
    expect(diff.keys).toEqual(expect.arrayContaining(['replicas', 'resourceVersion']));
    expect(diff.keys).not.toContain('uid');
    expect(diff.before['replicas']).toBe(3);
    expect(diff.after['replicas']).toBe(5);
    const [execution] = await q.executions(proposal.id);
    expect(execution).toMatchObject({ status: 'voided' });
    expect(h.sandbox.executions).toEqual({});
    const audit = (await q.audit(proposal.id)).find((entry) => entry.kind === 'voided');
    expect(audit?.details).toMatchObject({ reason: voided.void_reason, diff: { keys: diff.keys } });
    expect(await q.trust(proposal.trust_pattern)).toBe(0);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        message: 'proposal voided',
        fields: expect.objectContaining({ proposalId: proposal.id, reason: voided.void_reason, diffKeys: diff.keys }),
      }),
    );

    // A fresh proposal for the changed world starts from zero signatures; alice signs it anew.
    const next = await propose(actions.restartCheckout);
    expect(next.plan_hash).not.toBe(proposal.plan_hash);
    expect(next.state).toBe('PENDING');
    expect(await q.signatures(next.id)).toEqual([]);
    expect(await executeProposal(h.deps, next.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await handleClick(h.deps, h.click('alice', next.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(await executeProposal(h.deps, next.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
  });

  it('a dry-run that fails at execution voids the approval (the bot lost its permission)', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    h.sandbox.forbid('restart_deployment');
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
    expect((await q.proposal(proposal.id)).void_reason).toMatch(/dry-run failed at execution: bot may not patch deployments/);
  });

  /** The sandbox, but with `execute` replaced. */
  const withExecute = (execute: ClusterPort['execute']): ClusterPort => ({
    description: 'test',
    simulated: true,
    dryRun: (action, options) => h.sandbox.dryRun(action, options),
    reconcile: (action, executionId, options) => h.sandbox.reconcile(action, executionId, options),
    workloadResources: (target, options) => h.sandbox.workloadResources(target, options),
    execute,
  });

  it('a cluster that refuses the action: FAILED with its reason, trust unchanged', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    const cluster = withExecute(async () => ({ ok: false, error: { code: 'unavailable', message: 'API server timed out', retryable: true } }));
    expect(await executeProposal({ ...h.deps, cluster }, proposal.id)).toEqual({ ok: true, state: 'FAILED' });
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'FAILED', outcome: 'unavailable: API server timed out (simulated)' });
    expect(await q.executions(proposal.id)).toMatchObject([{ status: 'failed', reconciled: false }]);
    expect(await q.trust(proposal.trust_pattern)).toBe(0);
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created', 'signature', 'approved', 'execution_started', 'execution_failed']);
  });

  it('execute throws: the cluster is asked whether it took effect, and nothing is run again', async () => {
    const applied = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', applied.id, 'approve'));
    const throwsAfterApplying = withExecute(async (action, options) => {
      await h.sandbox.execute(action, options);
      throw new Error('connection reset');
    });
    expect(await executeProposal({ ...h.deps, cluster: throwsAfterApplying }, applied.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(await q.proposal(applied.id)).toMatchObject({ outcome: expect.stringMatching(/connection reset.*took effect/) });
    const [execution] = await q.executions(applied.id);
    expect(execution).toMatchObject({ status: 'succeeded', reconciled: true });
    expect(h.sandbox.executions[execution!.id]).toBe(1);

    const notApplied = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', notApplied.id, 'approve'));
    const throwsBefore = withExecute(async () => {
      throw new Error('connection refused');
    });
    expect(await executeProposal({ ...h.deps, cluster: throwsBefore }, notApplied.id)).toEqual({ ok: true, state: 'FAILED' });
    expect((await q.proposal(notApplied.id)).outcome).toMatch(/connection refused.*did not take effect; not retried/);
  });

  it('trust: five successful MEDIUM executions of a pattern make the sixth LOW and auto-approved; a reject resets it', async () => {
    const pattern = 'restart_deployment:shop/checkout*';
    for (let round = 1; round <= 5; round++) {
      const proposal = await propose(actions.restartCheckout);
      expect(proposal).toMatchObject({ risk: 'MEDIUM', state: 'PENDING', trust_score: round - 1 });
      await handleClick(h.deps, h.click(round % 2 === 0 ? 'alice' : 'bob', proposal.id, 'approve'));
      expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
      expect(await q.trust(pattern)).toBe(round);
    }
    const sixth = await propose(actions.restartCheckout);
    expect(sixth).toMatchObject({ base_risk: 'MEDIUM', risk: 'LOW', state: 'APPROVED', trust_score: 5 });
    expect(sixth.risk_reason).toBe(`auto-approved: trust 5 for ${pattern}`);
    expect(h.jobs.map((job) => job.data)).toContainEqual({ proposalId: sixth.id });
    expect(await q.signatures(sixth.id)).toEqual([]);

    // Rejected before its queued execution ran: trust back to 0, and the next one needs a signature again.
    expect(await handleClick(h.deps, h.click('carol', sixth.id, 'reject'))).toMatchObject({ ok: true, state: 'REJECTED' });
    expect(await executeProposal(h.deps, sixth.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await q.trust(pattern)).toBe(0);
    const seventh = await propose(actions.restartCheckout);
    expect(seventh).toMatchObject({ risk: 'MEDIUM', state: 'PENDING', risk_reason: null });
  });

  it('an automatic LOW run earns nothing: trust grows only through executions people approved', async () => {
    const pattern = 'restart_deployment:shop/checkout*';
    await h.db.insertInto('trust_scores').values({ pattern, score: 5 }).execute();
    const auto = await propose(actions.restartCheckout);
    expect(auto).toMatchObject({ base_risk: 'MEDIUM', risk: 'LOW', state: 'APPROVED' });
    expect(await executeProposal(h.deps, auto.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(await q.trust(pattern)).toBe(5);
    expect(await q.auditKinds(auto.id)).not.toContain('trust_changed');

    // A policy override to LOW earns nothing either.
    h.deps.riskOverrides = { cordon_node: 'LOW' };
    const cordon = await propose(actions.cordonNodeA);
    expect(await executeProposal(h.deps, cordon.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(await q.trust(cordon.trust_pattern)).toBe(0);
  });

  it('trust never lowers a risk the parameters raised: scaling to 0 stays HIGH at trust 10, scaling to 3 is lowered', async () => {
    const scale = (replicas: number) => ({
      action: 'scale_deployment',
      target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      params: { replicas },
    });
    await h.db.insertInto('trust_scores').values({ pattern: 'scale_deployment:shop/checkout*', score: 10 }).execute();
    const toZero = await propose(scale(0));
    expect(toZero).toMatchObject({ base_risk: 'HIGH', risk: 'HIGH', risk_reason: null, state: 'PENDING', trust_score: 10 });
    expect(await handleClick(h.deps, h.click('alice', toZero.id, 'approve'))).toMatchObject({ ok: true, state: 'PENDING' });
    const toThree = await propose(scale(3));
    expect(toThree).toMatchObject({ base_risk: 'MEDIUM', risk: 'LOW', state: 'APPROVED' });
  });

  describe('deadlines (simulated latency)', () => {
    const timeout = 200;

    it('a dry-run that does not answer in time at execution: FAILED with the reason, the cluster untouched', async () => {
      const deps = { ...h.deps, clusterTimeoutMilliseconds: timeout };
      const proposal = await propose(actions.restartCheckout);
      await handleClick(deps, h.click('alice', proposal.id, 'approve'));
      h.sandbox.setLatency({ dryRun: 10_000 });
      const before = h.sandbox.get('Deployment', 'shop', 'checkout');
      expect(await executeProposal(deps, proposal.id)).toEqual({ ok: true, state: 'FAILED' });
      expect(await q.proposal(proposal.id)).toMatchObject({
        state: 'FAILED',
        outcome: `dry-run before execution did not complete (no answer within ${timeout} ms); nothing was changed (simulated)`,
      });
      expect(await q.executions(proposal.id)).toMatchObject([{ status: 'failed' }]);
      expect(h.sandbox.executions).toEqual({});
      expect(h.sandbox.get('Deployment', 'shop', 'checkout')).toEqual(before);
    });

    it('an execute that does not answer in time is reconciled, never retried: it did not take effect → FAILED', async () => {
      const deps = { ...h.deps, clusterTimeoutMilliseconds: timeout };
      const proposal = await propose(actions.restartCheckout);
      await handleClick(deps, h.click('alice', proposal.id, 'approve'));
      h.sandbox.setLatency({ execute: 10_000 });
      const reconciles: string[] = [];
      const cluster: ClusterPort = {
        ...withExecute((action, options) => h.sandbox.execute(action, options)),
        reconcile: (action, executionId, options) => {
          reconciles.push(executionId);
          return h.sandbox.reconcile(action, executionId, options);
        },
      };
      expect(await executeProposal({ ...deps, cluster }, proposal.id)).toEqual({ ok: true, state: 'FAILED' });
      const [execution] = await q.executions(proposal.id);
      expect(reconciles).toEqual([execution!.id]);
      expect(await q.proposal(proposal.id)).toMatchObject({
        state: 'FAILED',
        outcome: `cluster error (no answer within ${timeout} ms); it did not take effect; not retried (simulated)`,
      });
      expect(execution).toMatchObject({ status: 'failed', reconciled: true });
      expect(h.sandbox.executions).toEqual({});
    });

    it('a proposal whose dry-run does not answer in time is not created (retryable)', async () => {
      h.sandbox.setLatency({ dryRun: 10_000 });
      const created = await createProposal(
        { ...h.deps, clusterTimeoutMilliseconds: timeout },
        { incidentId: h.incidentId, planned: actions.restartCheckout, reason: 'r', requestedBy: null },
      );
      expect(created).toEqual({
        ok: false,
        error: { code: 'cluster_unavailable', message: expect.stringMatching(/did not complete: no answer within 200 ms/), retryable: true },
      });
      expect(await h.db.selectFrom('proposals').select('id').execute()).toEqual([]);
    });
  });
});
