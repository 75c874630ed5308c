import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import type { ClusterPort, PlannedAction } from '../../../src/ports/cluster-port.ts';
import { kubeWorld } from '../../adapters/kubernetes/kube-world.ts';
import { createApprovalHarness, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';

const restartApi: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} };
const evictApiPod: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, params: {} };

describe('approvals executed on Kubernetes (real PostgreSQL, real approval flow, fake API server, simulated)', () => {
  let server: FakeKubeApiserver;
  let cluster: KubernetesCluster;
  let h: ApprovalHarness;
  let q: ReturnType<typeof approvalQueries>;

  beforeEach(async () => {
    server = await FakeKubeApiserver.start(kubeWorld());
    cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath });
    h = await createApprovalHarness({ cluster });
    q = approvalQueries(h.db);
  });
  afterEach(async () => {
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
    await h.close();
    await server.close();
  });

  /** A proposal signed by alice (MEDIUM: one sre). */
  async function signed(planned: PlannedAction) {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned, reason: 'api pods crash-loop', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    return created.proposal;
  }
  const realWrites = () => server.writes().filter((write) => write.query['dryRun'] === undefined);

  it('signed and executed: one real patch, stamped with the execution id; the outcome is not marked simulated', async () => {
    const proposal = await signed(restartApi);
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    const [execution] = await q.executions(proposal.id);
    expect(await q.proposal(proposal.id)).toMatchObject({
      state: 'SUCCEEDED',
      outcome: expect.stringMatching(/^restarted deployment payments\/api \(rollout restart/),
    });
    expect((await q.proposal(proposal.id)).outcome).not.toMatch(/simulated/);
    expect(realWrites()).toHaveLength(1);
    expect(server.get('Deployment', 'payments', 'api')!.metadata.annotations).toMatchObject({ 'awoooi.io/execution-id': execution!.id });
  });

  it('a status-only change between signing and execution (a crash-looping workload) does not void the approval', async () => {
    const proposal = await signed(restartApi);
    server.updateStatus('Deployment', 'payments', 'api', { readyReplicas: 0, unavailableReplicas: 3 });
    server.updateStatus('PodDisruptionBudget', 'payments', 'api-pdb', { currentHealthy: 1, disruptionsAllowed: 0 });
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
  });

  it('a spec change between signing and execution voids the approval, with the difference; nothing is written', async () => {
    const proposal = await signed(restartApi);
    server.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.replicas = 6;
    });
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
    const voided = await q.proposal(proposal.id);
    expect(voided.void_reason).toMatch(/^state changed since signing/);
    expect((voided.void_diff as { keys: string[] }).keys).toEqual(expect.arrayContaining(['generation', 'replicas']));
    expect(realWrites()).toEqual([]);
  });

  it('a change between the final dry-run and the write: the API server refuses the guarded patch, and the proposal is VOIDED, not retried', async () => {
    const proposal = await signed(restartApi);
    server.beforeNext('PATCH', /deployments\/api$/, () => undefined); // the final dry-run's own dryRun=All patch passes
    let patches = 0;
    server.beforeNext('PATCH', /deployments\/api$/, () => {
      patches += 1;
      server.updateSpec('Deployment', 'payments', 'api', (spec) => {
        spec.template.spec.containers[0].image = 'registry.example/api:1.6.0';
      });
    });
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
    expect(patches).toBe(1);
    expect((await q.proposal(proposal.id)).void_reason).toMatch(/^state changed at execution: patch deployment payments\/api: .*test failed/);
    expect(server.get('Deployment', 'payments', 'api')!.metadata.annotations).not.toHaveProperty(['awoooi.io/execution-id']);
    expect(realWrites().filter((write) => write.method === 'PATCH')).toHaveLength(1);
  });

  it('an eviction the PDB blocks at execution fails with "blocked by PodDisruptionBudget api-pdb"', async () => {
    const proposal = await signed(evictApiPod);
    // The last disruption is used up right before the eviction (after the dry-run passed): the API answers 429.
    server.beforeNext('POST', /eviction$/, () => undefined);
    server.beforeNext('POST', /eviction$/, () => server.updateStatus('PodDisruptionBudget', 'payments', 'api-pdb', { disruptionsAllowed: 0 }));
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'FAILED' });
    expect((await q.proposal(proposal.id)).outcome).toMatch(/^blocked: blocked by PodDisruptionBudget api-pdb/);
    expect(server.get('Pod', 'payments', 'api-7d9f4b6c8-x2k4q')).toBeDefined();
  });

  it('permission withdrawn after signing fails closed: VOIDED at the final dry-run, nothing written', async () => {
    const proposal = await signed(restartApi);
    server.deny('patch', 'apps', 'deployments');
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
    expect((await q.proposal(proposal.id)).void_reason).toMatch(/bot may not patch deployments.apps/);
    expect(realWrites()).toEqual([]);
  });

  it('the write happened but its answer was lost: reconciled as applied from the annotation, never repeated', async () => {
    const lossy: ClusterPort = {
      description: cluster.description,
      simulated: false,
      dryRun: (action, options) => cluster.dryRun(action, options),
      reconcile: (action, id, options) => cluster.reconcile(action, id, options),
      workloadResources: (target, options) => cluster.workloadResources(target, options),
      execute: async (action, options) => {
        await cluster.execute(action, options);
        throw new Error('socket hang up');
      },
    };
    h.deps.cluster = lossy;
    const proposal = await signed(restartApi);
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(await q.executions(proposal.id)).toEqual([expect.objectContaining({ reconciled: true })]);
    expect((await q.proposal(proposal.id)).outcome).toMatch(/but the action took effect/);
    expect(await executeProposal(h.deps, proposal.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(realWrites()).toHaveLength(1);
  });

  it('a target outside the namespace scope is refused before a proposal is made', async () => {
    const created = await createProposal(h.deps, {
      incidentId: h.incidentId,
      planned: { ...restartApi, target: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' } },
      reason: 'coredns is slow',
      requestedBy: null,
    });
    expect(created).toMatchObject({
      ok: false,
      error: { code: 'dry_run_failed', message: expect.stringMatching(/scope: namespace kube-system is a system namespace/) },
    });
    expect(await h.db.selectFrom('proposals').select('id').execute()).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});
