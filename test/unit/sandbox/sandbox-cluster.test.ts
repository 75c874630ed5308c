import { describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { planHash } from '../../../src/approval/plan-hash.ts';
import type { DryRunResult, PlannedAction } from '../../../src/ports/cluster-port.ts';
import { manualClock } from '../../../src/ports/clock.ts';

const restartCheckout: PlannedAction = {
  action: 'restart_deployment',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: {},
};

function finding(result: DryRunResult, check: string): { ok: boolean; message: string } | undefined {
  return result.findings.find((item) => item.check === check);
}

function firstPod(cluster: SandboxCluster, namespace: string, owner: string): string {
  const pod = cluster.pods(namespace, owner)[0];
  if (pod === undefined) throw new Error(`no pod of ${owner}`);
  return pod.name;
}

describe('SandboxCluster demo data', () => {
  it('says it is simulated', () => {
    const cluster = SandboxCluster.withDemoData();
    expect(cluster.description).toBe('sandbox (simulated)');
    expect(cluster.simulated).toBe(true);
  });

  it('has the crash-looping pod of the alert fixture', () => {
    const cluster = SandboxCluster.withDemoData();
    const pod = cluster.get('Pod', 'payments', 'api-7d9f-x2k');
    expect(pod).toMatchObject({ owner: 'api', ready: false, reason: 'CrashLoopBackOff' });
    expect(cluster.get('Deployment', 'shop', 'checkout')).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect(cluster.get('PodDisruptionBudget', 'shop', 'checkout-pdb')).toMatchObject({ minAvailable: 2, disruptionsAllowed: 1 });
  });

  it('is deterministic', () => {
    expect(SandboxCluster.withDemoData().snapshot()).toEqual(SandboxCluster.withDemoData().snapshot());
  });
});

describe('dryRun', () => {
  it('runs every check and reports the state it saw, with sorted keys', async () => {
    const cluster = SandboxCluster.withDemoData();
    const result = await cluster.dryRun(restartCheckout);
    expect(result.ok).toBe(true);
    expect(result.findings.map((item) => item.check).sort()).toEqual(['blast_radius', 'existence', 'parameters', 'pdb', 'rbac', 'server_dry_run'].sort());
    expect(result.state).toMatchObject({ replicas: 3, readyReplicas: 3, pdbDisruptionsAllowed: 1, exists: true });
    expect(typeof result.state['uid']).toBe('string');
    expect(typeof result.state['resourceVersion']).toBe('string');
    expect(Object.keys(result.state)).toEqual(Object.keys(result.state).sort());
    expect(result.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(finding(result, 'blast_radius')?.message).toContain('3 pods of shop/checkout');
  });

  it('changes nothing', async () => {
    const cluster = SandboxCluster.withDemoData();
    const before = cluster.snapshot();
    await cluster.dryRun(restartCheckout);
    expect(cluster.snapshot()).toEqual(before);
  });

  it('gives the same fingerprint while nothing changes', async () => {
    const cluster = SandboxCluster.withDemoData();
    expect((await cluster.dryRun(restartCheckout)).fingerprint).toBe((await cluster.dryRun(restartCheckout)).fingerprint);
  });

  it('fails RBAC when the bot lacks the permission (SelfSubjectAccessReview allowed: false)', async () => {
    const cluster = SandboxCluster.withDemoData();
    cluster.forbid('restart_deployment');
    const result = await cluster.dryRun(restartCheckout);
    expect(result.ok).toBe(false);
    expect(finding(result, 'rbac')).toMatchObject({ ok: false });
    expect(finding(result, 'rbac')?.message).toContain('may not patch deployments');
    cluster.permit('restart_deployment');
    expect((await cluster.dryRun(restartCheckout)).ok).toBe(true);
  });

  it('fails existence for a missing target', async () => {
    const cluster = SandboxCluster.withDemoData();
    const result = await cluster.dryRun({ ...restartCheckout, target: { ...restartCheckout.target, name: 'ghost' } });
    expect(result.ok).toBe(false);
    expect(finding(result, 'existence')?.ok).toBe(false);
    expect(result.state['exists']).toBe(false);
  });

  it('re-validates parameters with the catalog', async () => {
    const cluster = SandboxCluster.withDemoData();
    const result = await cluster.dryRun({ ...restartCheckout, params: { force: true } });
    expect(result.ok).toBe(false);
    expect(finding(result, 'parameters')?.ok).toBe(false);
  });

  it('blocks evicting a pod whose PDB has no headroom', async () => {
    const cluster = SandboxCluster.withDemoData();
    const evict: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name: firstPod(cluster, 'shop', 'cart') }, params: {} };
    const result = await cluster.dryRun(evict);
    expect(result.ok).toBe(false);
    expect(finding(result, 'pdb')).toMatchObject({ ok: false });
    expect(finding(result, 'pdb')?.message).toContain('429');
    expect(result.state['pdbDisruptionsAllowed']).toBe(0);
  });

  it('allows evicting a pod whose PDB has headroom', async () => {
    const cluster = SandboxCluster.withDemoData();
    const evict: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name: firstPod(cluster, 'shop', 'checkout') }, params: {} };
    expect((await cluster.dryRun(evict)).ok).toBe(true);
  });

  it('lets a restart through a PDB with no headroom, but notes it', async () => {
    const cluster = SandboxCluster.withDemoData();
    const result = await cluster.dryRun({ ...restartCheckout, target: { ...restartCheckout.target, name: 'cart' } });
    expect(result.ok).toBe(true);
    expect(finding(result, 'pdb')?.message).toContain('allows no disruption');
  });

  it('refuses to delete a mounted PVC and accepts an orphaned one', async () => {
    const cluster = SandboxCluster.withDemoData();
    const pvc = (name: string): PlannedAction => ({ action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name }, params: {} });
    const mounted = await cluster.dryRun(pvc('data-orders-db-0'));
    expect(mounted.ok).toBe(false);
    expect(finding(mounted, 'server_dry_run')?.message).toContain('orders-db-0');
    expect((await cluster.dryRun(pvc('reports-export'))).ok).toBe(true);
  });

  it('fails a rollback to a revision that is not in the history', async () => {
    const cluster = SandboxCluster.withDemoData();
    const rollback: PlannedAction = {
      action: 'rollback_deployment',
      target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
      params: { toRevision: 9 },
    };
    const result = await cluster.dryRun(rollback);
    expect(result.ok).toBe(false);
    expect(finding(result, 'server_dry_run')?.message).toContain('revision 9 not found');
  });

  it('reports the blast radius of scaling to zero', async () => {
    const cluster = SandboxCluster.withDemoData();
    const result = await cluster.dryRun({ action: 'scale_deployment', target: restartCheckout.target, params: { replicas: 0 } });
    expect(finding(result, 'blast_radius')?.message).toContain('every pod of shop/checkout stops');
  });
});

describe('execute', () => {
  it('restarts: annotations, new pods, resourceVersion bumped, executed once', async () => {
    const clock = manualClock(new Date('2024-05-01T10:05:00Z'));
    const cluster = SandboxCluster.withDemoData({ clock });
    const oldPods = cluster.pods('shop', 'checkout').map((pod) => pod.name);
    const dry = await cluster.dryRun(restartCheckout);
    const result = await cluster.execute(restartCheckout, { expectedFingerprint: dry.fingerprint, executionId: 'exec-1' });
    expect(result.ok).toBe(true);
    const deployment = cluster.get('Deployment', 'shop', 'checkout');
    expect(deployment?.annotations).toMatchObject({
      'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:05:00.000Z',
      'awoooi.dev/execution-id': 'exec-1',
    });
    expect(Number(deployment?.resourceVersion)).toBeGreaterThan(Number(dry.state['resourceVersion']));
    const newPods = cluster.pods('shop', 'checkout').map((pod) => pod.name);
    expect(newPods).toHaveLength(3);
    expect(newPods.some((name) => oldPods.includes(name))).toBe(false);
    expect(cluster.executions).toEqual({ 'exec-1': 1 });
  });

  it('returns state_changed, and changes nothing, when the world moved after signing', async () => {
    const cluster = SandboxCluster.withDemoData();
    const dry = await cluster.dryRun(restartCheckout);
    const signedHash = planHash(restartCheckout, dry.state);
    cluster.mutate('Deployment', 'shop', 'checkout', { replicas: 4 });
    const again = await cluster.dryRun(restartCheckout);
    expect(planHash(restartCheckout, again.state)).not.toBe(signedHash);
    const before = cluster.snapshot();
    const result = await cluster.execute(restartCheckout, { expectedFingerprint: dry.fingerprint, executionId: 'exec-2' });
    expect(result).toEqual({ ok: false, error: { code: 'state_changed', message: expect.any(String), retryable: false } });
    expect(cluster.snapshot()).toEqual(before);
    expect(cluster.executions).toEqual({});
  });

  it('notices a PDB tightened between signing and eviction', async () => {
    const cluster = SandboxCluster.withDemoData();
    const evict: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name: firstPod(cluster, 'shop', 'checkout') }, params: {} };
    const dry = await cluster.dryRun(evict);
    cluster.mutate('PodDisruptionBudget', 'shop', 'checkout-pdb', { minAvailable: 3 });
    const result = await cluster.execute(evict, { expectedFingerprint: dry.fingerprint, executionId: 'exec-3' });
    expect(result.ok === false && result.error.code).toBe('state_changed');
    expect((await cluster.dryRun(evict)).ok).toBe(false);
  });

  it('refuses an eviction the PDB forbids even with a current fingerprint (the API answers 429)', async () => {
    const cluster = SandboxCluster.withDemoData();
    const evict: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name: firstPod(cluster, 'shop', 'cart') }, params: {} };
    const dry = await cluster.dryRun(evict);
    const result = await cluster.execute(evict, { expectedFingerprint: dry.fingerprint, executionId: 'exec-4' });
    expect(result).toMatchObject({ ok: false, error: { code: 'blocked', retryable: true } });
    expect(cluster.get('Pod', 'shop', evict.target.name)).toBeDefined();
  });

  it('refuses when RBAC forbids it', async () => {
    const cluster = SandboxCluster.withDemoData();
    const dry = await cluster.dryRun(restartCheckout);
    cluster.forbid('restart_deployment');
    const result = await cluster.execute(restartCheckout, { expectedFingerprint: dry.fingerprint, executionId: 'exec-5' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', retryable: false } });
  });

  it('evicts a pod: it goes, a replacement comes', async () => {
    const cluster = SandboxCluster.withDemoData();
    const name = firstPod(cluster, 'shop', 'checkout');
    const evict: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name }, params: {} };
    const dry = await cluster.dryRun(evict);
    expect((await cluster.execute(evict, { expectedFingerprint: dry.fingerprint, executionId: 'exec-6' })).ok).toBe(true);
    expect(cluster.get('Pod', 'shop', name)).toBeUndefined();
    expect(cluster.pods('shop', 'checkout')).toHaveLength(3);
    expect(await cluster.reconcile(evict, 'exec-6')).toBe('applied');
  });

  it.each([
    [
      { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { replicas: 5 } },
      'Deployment',
      'shop',
      'checkout',
      { replicas: 5 },
    ],
    [
      { action: 'rollback_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} },
      'Deployment',
      'payments',
      'api',
      { revision: 3, image: 'registry.local/payments/api:1.4.1', readyReplicas: 2 },
    ],
    [{ action: 'cordon_node', target: { kind: 'Node', name: 'node-b' }, params: {} }, 'Node', null, 'node-b', { unschedulable: true }],
  ] as const)('applies %o', async (planned, kind, namespace, name, expected) => {
    const cluster = SandboxCluster.withDemoData();
    const action = planned as unknown as PlannedAction;
    const dry = await cluster.dryRun(action);
    expect(dry.ok).toBe(true);
    expect((await cluster.execute(action, { expectedFingerprint: dry.fingerprint, executionId: 'x' })).ok).toBe(true);
    expect(cluster.get(kind, namespace, name)).toMatchObject(expected);
  });

  it('scales pods up and down', async () => {
    const cluster = SandboxCluster.withDemoData();
    const scale = (replicas: number): PlannedAction => ({ action: 'scale_deployment', target: restartCheckout.target, params: { replicas } });
    for (const [replicas, id] of [
      [5, 'up'],
      [1, 'down'],
    ] as const) {
      const dry = await cluster.dryRun(scale(replicas));
      await cluster.execute(scale(replicas), { expectedFingerprint: dry.fingerprint, executionId: id });
      expect(cluster.pods('shop', 'checkout')).toHaveLength(replicas);
    }
  });

  it('deletes an orphaned PVC and a namespace with everything in it', async () => {
    const cluster = SandboxCluster.withDemoData();
    const pvc: PlannedAction = { action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'reports-export' }, params: {} };
    const namespace: PlannedAction = { action: 'delete_namespace', target: { kind: 'Namespace', name: 'preview-pr-142' }, params: {} };
    for (const [action, id] of [
      [pvc, 'pvc'],
      [namespace, 'ns'],
    ] as const) {
      const dry = await cluster.dryRun(action);
      expect((await cluster.execute(action, { expectedFingerprint: dry.fingerprint, executionId: id })).ok).toBe(true);
      expect(await cluster.reconcile(action, id)).toBe('applied');
    }
    expect(cluster.get('PersistentVolumeClaim', 'shop', 'reports-export')).toBeUndefined();
    expect(cluster.pods('preview-pr-142')).toEqual([]);
    expect(cluster.get('Deployment', 'preview-pr-142', 'web')).toBeUndefined();
  });

  it('refuses a mounted PVC at execution too', async () => {
    const cluster = SandboxCluster.withDemoData();
    const pvc: PlannedAction = { action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-orders-db-0' }, params: {} };
    const dry = await cluster.dryRun(pvc);
    expect(await cluster.execute(pvc, { expectedFingerprint: dry.fingerprint, executionId: 'p' })).toMatchObject({ ok: false, error: { code: 'blocked' } });
    expect(await cluster.reconcile(pvc, 'p')).toBe('not_applied');
  });

  it('does not run twice: a second execute with the old fingerprint is state_changed', async () => {
    const cluster = SandboxCluster.withDemoData();
    const dry = await cluster.dryRun(restartCheckout);
    const options = { expectedFingerprint: dry.fingerprint, executionId: 'once' };
    expect((await cluster.execute(restartCheckout, options)).ok).toBe(true);
    expect(await cluster.execute(restartCheckout, options)).toMatchObject({ ok: false, error: { code: 'state_changed' } });
    expect(cluster.executions['once']).toBe(1);
  });
});

describe('reconcile and crash recovery', () => {
  it('tells applied from not applied by the execution annotation', async () => {
    const cluster = SandboxCluster.withDemoData();
    expect(await cluster.reconcile(restartCheckout, 'exec-9')).toBe('not_applied');
    const dry = await cluster.dryRun(restartCheckout);
    await cluster.execute(restartCheckout, { expectedFingerprint: dry.fingerprint, executionId: 'exec-9' });
    expect(await cluster.reconcile(restartCheckout, 'exec-9')).toBe('applied');
    expect(await cluster.reconcile(restartCheckout, 'exec-other')).toBe('not_applied');
  });

  it('survives a snapshot round trip through JSON (simulated process crash)', async () => {
    const first = SandboxCluster.withDemoData();
    const dry = await first.dryRun(restartCheckout);
    await first.execute(restartCheckout, { expectedFingerprint: dry.fingerprint, executionId: 'exec-crash' });
    const persisted = JSON.parse(JSON.stringify(first.snapshot()));
    const second = SandboxCluster.fromSnapshot(persisted);
    expect(await second.reconcile(restartCheckout, 'exec-crash')).toBe('applied');
    expect(second.executions).toEqual({ 'exec-crash': 1 });
    expect((await second.dryRun(restartCheckout)).fingerprint).toBe((await first.dryRun(restartCheckout)).fingerprint);
  });

  it('keeps the snapshot apart from the live cluster', () => {
    const cluster = SandboxCluster.withDemoData();
    const snapshot = cluster.snapshot();
    cluster.mutate('Node', null, 'node-a', { unschedulable: true });
    expect(snapshot.nodes.find((node) => node.name === 'node-a')?.unschedulable).toBe(false);
  });
});

describe('mutate', () => {
  it('bumps the resourceVersion from one global counter', () => {
    const cluster = SandboxCluster.withDemoData();
    const before = Number(cluster.get('Node', null, 'node-c')?.resourceVersion);
    expect(cluster.mutate('Node', null, 'node-c', { unschedulable: false })).toBe(true);
    const after = Number(cluster.get('Node', null, 'node-c')?.resourceVersion);
    expect(after).toBeGreaterThan(before);
    expect(cluster.mutate('Node', null, 'ghost', {})).toBe(false);
  });

  it('lets pod readiness flow into deployment and PDB status', () => {
    const cluster = SandboxCluster.withDemoData();
    cluster.mutate('Pod', 'shop', firstPod(cluster, 'shop', 'checkout'), { ready: false });
    expect(cluster.get('Deployment', 'shop', 'checkout')?.readyReplicas).toBe(2);
    expect(cluster.get('PodDisruptionBudget', 'shop', 'checkout-pdb')?.disruptionsAllowed).toBe(0);
  });
});

describe('workloadResources', () => {
  it('answers for deployments and the pods they own, null otherwise', async () => {
    const cluster = SandboxCluster.withDemoData();
    expect(await cluster.workloadResources(restartCheckout.target)).toEqual({ replicas: 3, cpuCores: 0.5, memoryGiB: 1 });
    expect(await cluster.workloadResources({ kind: 'Pod', namespace: 'payments', name: 'api-7d9f-x2k' })).toEqual({ replicas: 2, cpuCores: 0.5, memoryGiB: 1 });
    expect(await cluster.workloadResources({ kind: 'Pod', namespace: 'shop', name: 'orders-db-0' })).toBeNull();
    expect(await cluster.workloadResources({ kind: 'Node', name: 'node-a' })).toBeNull();
  });
});

describe('dryRun warnings (sandbox cluster, simulated)', () => {
  const warnings = (result: DryRunResult) => result.findings.filter((item) => item.ok && item.warning).map((item) => item.check);

  it('warns about what passes but hurts: scaling to zero and below a PDB', async () => {
    const cluster = SandboxCluster.withDemoData();
    const scaleToZero = await cluster.dryRun({ ...restartCheckout, action: 'scale_deployment', params: { replicas: 0 } });
    expect(scaleToZero.ok).toBe(true);
    expect(warnings(scaleToZero).sort()).toEqual(['blast_radius', 'pdb']);
  });

  it('does not warn about a plain rollout restart the PDB allows', async () => {
    const result = await SandboxCluster.withDemoData().dryRun(restartCheckout);
    expect(result.ok).toBe(true);
    expect(warnings(result)).toEqual([]);
  });
});

describe('simulated latency and signals', () => {
  it('a call cut off by its signal while the API server is slow rejects with the reason and never applies', async () => {
    const cluster = SandboxCluster.withDemoData({ latency: { execute: 10_000 } });
    const dry = await cluster.dryRun(restartCheckout);
    const before = cluster.snapshot();
    const controller = new AbortController();
    const executing = cluster.execute(restartCheckout, { expectedFingerprint: dry.fingerprint, executionId: 'late', signal: controller.signal });
    controller.abort(new Error('no answer within 50 ms'));
    await expect(executing).rejects.toThrow('no answer within 50 ms');
    expect(cluster.snapshot()).toEqual(before);
    expect(await cluster.reconcile(restartCheckout, 'late')).toBe('not_applied');
  });

  it('an already aborted signal stops every call at once; setLatency changes the latency later', async () => {
    const cluster = SandboxCluster.withDemoData();
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(cluster.dryRun(restartCheckout, { signal: aborted })).rejects.toThrow('gone');
    await expect(cluster.reconcile(restartCheckout, 'x', { signal: aborted })).rejects.toThrow('gone');
    await expect(cluster.workloadResources(restartCheckout.target, { signal: aborted })).rejects.toThrow('gone');
    cluster.setLatency({ dryRun: 10_000 });
    await expect(cluster.dryRun(restartCheckout, { signal: AbortSignal.timeout(20) })).rejects.toThrow(/timeout/i);
  });
});
