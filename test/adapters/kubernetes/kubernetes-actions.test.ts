import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from './kube-world.ts';

const signal = () => AbortSignal.timeout(10_000);
const restartApi: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} };

describe('Kubernetes adapter: each catalog action, dry-run and execute at the wire [fake API server, simulated]', () => {
  let server: FakeKubeApiserver;
  let cluster: KubernetesCluster;
  const clock = manualClock(new Date('2026-03-01T03:00:00Z'));

  beforeEach(async () => {
    server = await FakeKubeApiserver.start(kubeWorld());
    cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath, clock });
  });
  afterEach(() => server.close());

  /** Dry-run, then execute bound to its fingerprint; what the API server saw of each. */
  async function dryRunThenExecute(planned: PlannedAction, executionId = 'exec-1') {
    const dryRun = await cluster.dryRun(planned, { signal: signal() });
    const dryRunWrites = server.writes();
    server.requests.length = 0;
    const executed = await cluster.execute(planned, { expectedFingerprint: dryRun.fingerprint, executionId, signal: signal() });
    return { dryRun, dryRunWrites, executed, writes: server.writes() };
  }

  it('restart_deployment: SSAR for patch deployments.apps, a JSON patch sent with dryRun=All, then the same patch for real', async () => {
    const { dryRun, dryRunWrites, executed, writes } = await dryRunThenExecute(restartApi);
    expect(dryRun.ok).toBe(true);
    expect(dryRun.findings.map((finding) => finding.check)).toEqual(['parameters', 'rbac', 'existence', 'blast_radius', 'pdb', 'server_dry_run']);
    expect(dryRunWrites).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/payments/deployments/api',
        query: { dryRun: 'All', fieldManager: 'awoooi' },
        contentType: 'application/json-patch+json',
      }),
    ]);
    expect(executed).toMatchObject({ ok: true, message: expect.stringMatching(/^restarted deployment payments\/api/) });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/payments/deployments/api', query: { fieldManager: 'awoooi' } });
    expect(writes[0]!.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: '6f1c2b8e-0000-4000-8000-00000000a001' },
      { op: 'test', path: '/metadata/generation', value: 1 },
      { op: 'add', path: '/spec/template/metadata/annotations', value: { 'kubectl.kubernetes.io/restartedAt': '2026-03-01T03:00:00.000Z' } },
      { op: 'add', path: '/metadata/annotations/awoooi.io~1execution-id', value: 'exec-1' },
    ]);
    const stored = server.get('Deployment', 'payments', 'api')!;
    expect(stored.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2026-03-01T03:00:00.000Z' });
    expect(stored.metadata.annotations).toMatchObject({ 'awoooi.io/execution-id': 'exec-1' });
    expect(stored.metadata.generation).toBe(2);
  });

  it('the dry-run asks the API server whether the bot may write (SelfSubjectAccessReview, shaped as the fixture)', async () => {
    await cluster.dryRun(restartApi, { signal: signal() });
    const reviews = server.requests.filter((request) => request.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect(reviews.map((review) => review.body)).toEqual([
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'payments', name: 'api' } },
      },
    ]);
  });

  it('scale_deployment: replaces spec.replicas under the uid and generation tests', async () => {
    const planned: PlannedAction = { ...restartApi, action: 'scale_deployment', params: { replicas: 5 } };
    const { dryRun, executed, writes } = await dryRunThenExecute(planned);
    expect(dryRun.findings.find((finding) => finding.check === 'blast_radius')?.message).toBe('3 → 5 replicas (1 ready now): +2 pods');
    expect(executed).toMatchObject({ ok: true, message: 'scaled deployment payments/api from 3 to 5 replicas' });
    expect(writes[0]!.body).toContainEqual({ op: 'add', path: '/spec/replicas', value: 5 });
    expect(server.get('Deployment', 'payments', 'api')!.spec.replicas).toBe(5);
    expect(executed.ok && executed.state).toMatchObject({ replicas: 5, generation: 2 });
  });

  it("rollback_deployment: the previous ReplicaSet's template (found by label selector and owner uid), without its pod-template-hash", async () => {
    const planned: PlannedAction = { ...restartApi, action: 'rollback_deployment', params: {} };
    const { dryRun, executed, writes } = await dryRunThenExecute(planned);
    expect(dryRun.ok).toBe(true);
    expect(dryRun.state).toMatchObject({ rollbackRevision: 1 });
    // Execute reads the ReplicaSets again (the destination is part of the fingerprint).
    const listed = server.requests.find((request) => request.path === '/apis/apps/v1/namespaces/payments/replicasets');
    expect(listed?.query).toEqual({ labelSelector: 'app=api' });
    expect(executed).toMatchObject({ ok: true, message: 'rolled back deployment payments/api to revision 1 (registry.example/api:1.4.1)' });
    expect(writes[0]!.body[2]).toEqual({
      op: 'replace',
      path: '/spec/template',
      value: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'registry.example/api:1.4.1', resources: { requests: { cpu: '250m', memory: '512Mi' } } }] },
      },
    });
    expect(server.get('Deployment', 'payments', 'api')!.spec.template.spec.containers[0].image).toBe('registry.example/api:1.4.1');
  });

  it('rollback_deployment to a revision that does not exist fails the dry-run and lists the ones that do', async () => {
    const dryRun = await cluster.dryRun({ ...restartApi, action: 'rollback_deployment', params: { toRevision: 7 } }, { signal: signal() });
    expect(dryRun.ok).toBe(false);
    expect(dryRun.findings.find((finding) => !finding.ok)?.message).toBe('revision 7 not found in the history of api (available: 1)');
    expect(server.writes()).toEqual([]);
  });

  it('a paused deployment: restart and rollback are refused at the dry-run (they would wait unseen), scaling is not', async () => {
    server.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.paused = true;
    });
    const restart = await cluster.dryRun(restartApi, { signal: signal() });
    expect(restart.findings).toContainEqual({ check: 'parameters', ok: false, message: 'deployment api is paused: resume it first' });
    expect((await cluster.dryRun({ ...restartApi, action: 'rollback_deployment', params: {} }, { signal: signal() })).ok).toBe(false);
    expect((await cluster.dryRun({ ...restartApi, action: 'scale_deployment', params: { replicas: 2 } }, { signal: signal() })).ok).toBe(true);
  });

  it('evict_pod: stamps the pod, then POSTs an Eviction with a uid precondition (dryRun=All first); the pod is gone', async () => {
    const planned: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, params: {} };
    const uid = server.get('Pod', 'payments', 'api-7d9f4b6c8-x2k4q')!.metadata.uid;
    const { dryRun, dryRunWrites, executed, writes } = await dryRunThenExecute(planned);
    expect(dryRun.ok).toBe(true);
    expect(dryRun.findings.find((finding) => finding.check === 'pdb')?.message).toBe('api-pdb allows 1 disruption (disruptionsAllowed)');
    expect(dryRunWrites.map((write) => [write.method, write.path, write.query['dryRun']])).toEqual([
      ['PATCH', '/api/v1/namespaces/payments/pods/api-7d9f4b6c8-x2k4q', 'All'],
      ['POST', '/api/v1/namespaces/payments/pods/api-7d9f4b6c8-x2k4q/eviction', 'All'],
    ]);
    expect(executed).toMatchObject({ ok: true, message: 'evicted pod payments/api-7d9f4b6c8-x2k4q through the Eviction API' });
    const eviction = writes.find((write) => write.path.endsWith('/eviction'))!;
    // The fixture's Eviction, plus the uid precondition.
    expect(eviction.body).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'api-7d9f4b6c8-x2k4q', namespace: 'payments' },
      deleteOptions: { preconditions: { uid } },
    });
    expect(eviction.query).toEqual({});
    expect(server.get('Pod', 'payments', 'api-7d9f4b6c8-x2k4q')).toBeUndefined();
    expect(server.get('PodDisruptionBudget', 'payments', 'api-pdb')!.status.disruptionsAllowed).toBe(0);
    expect(writes.some((write) => write.method === 'DELETE')).toBe(false);
  });

  it('cordon_node: spec.unschedulable true with the uid test; a node that has the field is tested on it too', async () => {
    const nodeA: PlannedAction = { action: 'cordon_node', target: { kind: 'Node', name: 'node-a' }, params: {} };
    const { dryRun, executed, writes } = await dryRunThenExecute(nodeA);
    expect(dryRun.findings.find((finding) => finding.check === 'blast_radius')?.message).toBe(
      '2 pods keep running on node-a; no new pods there; 1 of 2 nodes stay schedulable',
    );
    expect(executed).toMatchObject({ ok: true, message: 'cordoned node node-a' });
    expect(writes[0]).toMatchObject({ method: 'PATCH', path: '/api/v1/nodes/node-a' });
    expect(server.get('Node', undefined, 'node-a')!.spec.unschedulable).toBe(true);

    server.requests.length = 0;
    const nodeB = await dryRunThenExecute({ ...nodeA, target: { kind: 'Node', name: 'node-b' } }, 'exec-2');
    expect(nodeB.writes[0]!.body).toContainEqual({ op: 'test', path: '/spec/unschedulable', value: false });
  });

  it('delete_pvc: stamp, then DELETE with a uid precondition; a PVC a running pod mounts is refused at the dry-run', async () => {
    const planned: PlannedAction = { action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'old-export' }, params: {} };
    const uid = server.get('PersistentVolumeClaim', 'shop', 'old-export')!.metadata.uid;
    const { dryRun, dryRunWrites, executed, writes } = await dryRunThenExecute(planned);
    expect(dryRun.ok).toBe(true);
    expect(dryRunWrites.map((write) => [write.method, write.query['dryRun']])).toEqual([
      ['PATCH', 'All'],
      ['DELETE', 'All'],
    ]);
    expect(executed).toMatchObject({ ok: true, message: 'deleted PVC shop/old-export' });
    expect(writes.find((write) => write.method === 'DELETE')!.body).toEqual({ preconditions: { uid } });
    expect(server.get('PersistentVolumeClaim', 'shop', 'old-export')).toBeUndefined();

    const mounted = await cluster.dryRun({ ...planned, target: { ...planned.target, name: 'orders-data' } }, { signal: signal() });
    expect(mounted.ok).toBe(false);
    expect(mounted.findings.find((finding) => !finding.ok)?.message).toBe('mounted by pod orders-db-0: pvc-protection would leave it Terminating; refused');
  });

  it('delete_namespace: stamp, then DELETE with a uid precondition; the namespace is Terminating', async () => {
    const planned: PlannedAction = { action: 'delete_namespace', target: { kind: 'Namespace', name: 'preview-pr-142' }, params: {} };
    const { dryRun, executed, writes } = await dryRunThenExecute(planned);
    expect(dryRun.ok).toBe(true);
    expect(dryRun.findings.find((finding) => finding.check === 'blast_radius')).toMatchObject({
      warning: true,
      message: expect.stringMatching(/^deletes 0 deployments/),
    });
    expect(executed).toMatchObject({ ok: true });
    expect(writes.map((write) => [write.method, write.path])).toEqual([
      ['PATCH', '/api/v1/namespaces/preview-pr-142'],
      ['DELETE', '/api/v1/namespaces/preview-pr-142'],
    ]);
    expect(server.get('Namespace', undefined, 'preview-pr-142')!.status.phase).toBe('Terminating');
  });

  it('workloadResources: replicas and per-replica requests of a deployment, and of the deployment that owns a pod', async () => {
    const expected = { replicas: 3, cpuCores: 0.25, memoryGiB: 0.5 };
    expect(await cluster.workloadResources(restartApi.target, { signal: signal() })).toEqual(expected);
    expect(await cluster.workloadResources({ kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, { signal: signal() })).toEqual(expected);
    expect(await cluster.workloadResources({ kind: 'Deployment', namespace: 'payments', name: 'nope' }, { signal: signal() })).toBeNull();
  });
});
