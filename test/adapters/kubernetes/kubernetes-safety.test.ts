import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { blockingBudget } from '../../../adapters/kubernetes/write-action.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from './kube-world.ts';

const signal = () => AbortSignal.timeout(10_000);
const restartApi: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} };
const evictApiPod: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, params: {} };

describe('Kubernetes adapter: fingerprint, compare-and-set, refusals and reconcile [fake API server, simulated]', () => {
  let server: FakeKubeApiserver;
  let cluster: KubernetesCluster;

  beforeEach(async () => {
    server = await FakeKubeApiserver.start(kubeWorld());
    cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath });
  });
  afterEach(() => server.close());

  const execute = (planned: PlannedAction, expectedFingerprint: string, executionId = 'exec-1') =>
    cluster.execute(planned, { expectedFingerprint, executionId, signal: signal() });

  it('the fingerprint ignores status churn (readyReplicas, resourceVersion) and follows the spec (generation, replicas, images)', async () => {
    const first = await cluster.dryRun(restartApi, { signal: signal() });
    expect(first.state).toMatchObject({ uid: '6f1c2b8e-0000-4000-8000-00000000a001', generation: 1, replicas: 3, images: 'api=registry.example/api:1.5.0' });
    expect(Object.keys(first.state)).not.toContain('resourceVersion');
    server.updateStatus('Deployment', 'payments', 'api', { readyReplicas: 0, unavailableReplicas: 3 });
    const afterStatus = await cluster.dryRun(restartApi, { signal: signal() });
    expect(afterStatus.fingerprint).toBe(first.fingerprint);

    server.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.replicas = 4;
    });
    const afterSpec = await cluster.dryRun(restartApi, { signal: signal() });
    expect(afterSpec.fingerprint).not.toBe(first.fingerprint);
    expect(afterSpec.state).toMatchObject({ generation: 2, replicas: 4 });
  });

  it('execute refuses a fingerprint that no longer matches (state_changed) and writes nothing', async () => {
    const dryRun = await cluster.dryRun(restartApi, { signal: signal() });
    server.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.template.spec.containers[0].image = 'registry.example/api:1.6.0';
    });
    server.requests.length = 0;
    expect(await execute(restartApi, dryRun.fingerprint)).toEqual({
      ok: false,
      error: { code: 'state_changed', message: 'Deployment api changed since the dry-run', retryable: false },
    });
    expect(server.writes()).toEqual([]);
  });

  it('a spec change between the read and the write fails the JSON-patch test (422): state_changed, nothing written', async () => {
    const dryRun = await cluster.dryRun(restartApi, { signal: signal() });
    server.beforeNext('PATCH', /deployments\/api$/, () =>
      server.updateSpec('Deployment', 'payments', 'api', (spec) => {
        spec.replicas = 1;
      }),
    );
    const executed = await execute(restartApi, dryRun.fingerprint);
    expect(executed).toMatchObject({
      ok: false,
      error: { code: 'state_changed', retryable: false, message: expect.stringMatching(/testing value \/metadata\/generation failed/) },
    });
    const stored = server.get('Deployment', 'payments', 'api')!;
    expect(stored.metadata.annotations).not.toHaveProperty(['awoooi.io/execution-id']);
    expect(stored.spec.template.metadata.annotations).toBeUndefined();
  });

  it('a PVC replaced under the same name between the read and the delete: the uid precondition answers 409, state_changed', async () => {
    const planned: PlannedAction = { action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'old-export' }, params: {} };
    const dryRun = await cluster.dryRun(planned, { signal: signal() });
    server.beforeNext('DELETE', /persistentvolumeclaims\/old-export$/, () => {
      const old = server.get('PersistentVolumeClaim', 'shop', 'old-export')!;
      server.put({ ...old, metadata: { name: 'old-export', namespace: 'shop' } });
    });
    const executed = await execute(planned, dryRun.fingerprint);
    expect(executed).toMatchObject({ ok: false, error: { code: 'state_changed', message: expect.stringMatching(/Precondition failed: UID in precondition/) } });
    expect(server.get('PersistentVolumeClaim', 'shop', 'old-export')).toBeDefined();
  });

  it('Eviction 429: "blocked by PodDisruptionBudget api-pdb", from the Status body; the dry-run saw no headroom first', async () => {
    server.updateStatus('PodDisruptionBudget', 'payments', 'api-pdb', { disruptionsAllowed: 0, currentHealthy: 2 });
    const dryRun = await cluster.dryRun(evictApiPod, { signal: signal() });
    expect(dryRun.ok).toBe(false);
    expect(dryRun.findings.find((finding) => finding.check === 'pdb')).toMatchObject({
      ok: false,
      message: 'api-pdb allows no disruption (2 healthy, 2 needed): the Eviction API would answer 429',
    });
    const executed = await execute(evictApiPod, dryRun.fingerprint);
    expect(executed).toEqual({
      ok: false,
      error: {
        code: 'blocked',
        retryable: true,
        message: "blocked by PodDisruptionBudget api-pdb: Cannot evict pod as it would violate the pod's disruption budget.",
      },
    });
    expect(server.get('Pod', 'payments', 'api-7d9f4b6c8-x2k4q')).toBeDefined();
  });

  it('the PDB of a 429 is read from the Status causes of the fixture, whatever its name', () => {
    const status = JSON.parse(readFileSync(new URL('../../fixtures/k8s-eviction-429.json', import.meta.url), 'utf8'));
    const failure = {
      status: 429,
      reason: status.reason,
      message: status.message,
      causes: status.details.causes.map((cause: { message: string }) => cause.message),
    };
    expect(blockingBudget(failure)).toBe('api-pdb');
    expect(blockingBudget({ ...failure, causes: ['The disruption budget api needs 2 healthy pods and has 2 currently'] })).toBe('api');
    expect(blockingBudget({ ...failure, causes: [] })).toBeNull();
  });

  it('Eviction 500 with several PDBs is a configuration error, named so; the dry-run names both budgets', async () => {
    server.put({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'api-pdb-2', namespace: 'payments' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } },
      status: { disruptionsAllowed: 1 },
    });
    const dryRun = await cluster.dryRun(evictApiPod, { signal: signal() });
    expect(dryRun.findings.find((finding) => finding.check === 'pdb')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/several PodDisruptionBudgets \(api-pdb, api-pdb-2\)/),
    });
    const executed = await execute(evictApiPod, dryRun.fingerprint);
    expect(executed).toMatchObject({
      ok: false,
      error: { code: 'invalid', retryable: false, message: expect.stringMatching(/^configuration error: .*more than one PodDisruptionBudget/) },
    });
  });

  it('403 fails closed: SSAR says no, the dry-run fails; the write itself is refused as forbidden', async () => {
    server.deny('patch', 'apps', 'deployments');
    const dryRun = await cluster.dryRun(restartApi, { signal: signal() });
    expect(dryRun.ok).toBe(false);
    expect(dryRun.findings.find((finding) => finding.check === 'rbac')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^bot may not patch deployments.apps .*in namespace payments/),
    });
    expect(dryRun.findings.some((finding) => finding.check === 'server_dry_run')).toBe(false);
    const executed = await execute(restartApi, dryRun.fingerprint);
    expect(executed).toMatchObject({
      ok: false,
      error: { code: 'forbidden', retryable: false, message: expect.stringMatching(/cannot patch resource "deployments"/) },
    });
  });

  it('a target the bot may not even read fails closed at the dry-run', async () => {
    server.deny('get', 'apps', 'deployments');
    const dryRun = await cluster.dryRun(restartApi, { signal: signal() });
    expect(dryRun.ok).toBe(false);
    expect(dryRun.findings).toContainEqual(
      expect.objectContaining({ check: 'rbac', ok: false, message: expect.stringMatching(/^could not read Deployment payments\/api: .*forbidden/) }),
    );
  });

  it('namespace scope: kube-system refused unless listed, and an allow-list refuses the rest, before any API call', async () => {
    const system: PlannedAction = { ...restartApi, target: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' } };
    const refused = await cluster.dryRun(system, { signal: signal() });
    expect(refused.ok).toBe(false);
    expect(refused.findings).toContainEqual({
      check: 'scope',
      ok: false,
      message: 'namespace kube-system is a system namespace, refused unless AWOOOI_NAMESPACES lists it',
    });
    expect(await execute(system, refused.fingerprint)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(server.requests).toEqual([]);

    const listed = new KubernetesCluster({ kubeconfig: server.kubeconfigPath, namespaces: ['kube-system', 'shop'] });
    expect((await listed.dryRun(system, { signal: signal() })).findings.find((finding) => finding.check === 'scope')).toBeUndefined();
    const payments = await listed.dryRun(restartApi, { signal: signal() });
    expect(payments.findings).toContainEqual({
      check: 'scope',
      ok: false,
      message: "namespace payments is outside the bot's scope (AWOOOI_NAMESPACES: kube-system, shop)",
    });
    const namespace = await listed.dryRun({ action: 'delete_namespace', target: { kind: 'Namespace', name: 'payments' }, params: {} }, { signal: signal() });
    expect(namespace.ok).toBe(false);
  });

  it('GitOps: an object Argo CD tracks is named in the dry-run as a warning, and a change of manager changes the plan', async () => {
    const checkout: PlannedAction = { ...restartApi, target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' } };
    const dryRun = await cluster.dryRun(checkout, { signal: signal() });
    expect(dryRun.ok).toBe(true);
    expect(dryRun.findings).toContainEqual({
      check: 'gitops',
      ok: true,
      warning: true,
      message: expect.stringMatching(
        /^managed by Argo CD application shop-checkout \(annotation argocd.argoproj.io\/tracking-id\); with auto-sync and self-heal on, Argo CD reverts a direct change/,
      ),
    });
    expect(dryRun.state).toMatchObject({ gitops: 'argocd:shop-checkout' });
    const plain = await cluster.dryRun(restartApi, { signal: signal() });
    expect(plain.findings.some((finding) => finding.check === 'gitops')).toBe(false);

    server.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'apps', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
    });
    const flux = await cluster.dryRun({ action: 'delete_namespace', target: { kind: 'Namespace', name: 'apps' }, params: {} }, { signal: signal() });
    expect(flux.findings.find((finding) => finding.check === 'gitops')?.message).toMatch(
      /^managed by Flux object flux-system\/apps .*suspend the Kustomization/,
    );
  });

  it('reconcile: a patch is applied when the object carries the execution id, not applied otherwise', async () => {
    const dryRun = await cluster.dryRun(restartApi, { signal: signal() });
    expect(await cluster.reconcile(restartApi, 'exec-1', { signal: signal() })).toBe('not_applied');
    await execute(restartApi, dryRun.fingerprint, 'exec-1');
    expect(await cluster.reconcile(restartApi, 'exec-1', { signal: signal() })).toBe('applied');
    expect(await cluster.reconcile(restartApi, 'exec-other', { signal: signal() })).toBe('not_applied');
  });

  it('reconcile of deletes: gone or Terminating with the stamp is applied; stamped but not deleted is not; a StatefulSet pod is unknown', async () => {
    const evicted = await cluster.dryRun(evictApiPod, { signal: signal() });
    expect(await cluster.reconcile(evictApiPod, 'exec-1', { signal: signal() })).toBe('not_applied');
    await execute(evictApiPod, evicted.fingerprint);
    expect(await cluster.reconcile(evictApiPod, 'exec-1', { signal: signal() })).toBe('applied');

    const namespace: PlannedAction = { action: 'delete_namespace', target: { kind: 'Namespace', name: 'preview-pr-142' }, params: {} };
    await execute(namespace, (await cluster.dryRun(namespace, { signal: signal() })).fingerprint, 'exec-ns');
    expect(server.get('Namespace', undefined, 'preview-pr-142')!.metadata.deletionTimestamp).toBeDefined();
    expect(await cluster.reconcile(namespace, 'exec-ns', { signal: signal() })).toBe('applied');

    // Stamped, then the eviction never came (the process died between the two requests).
    server.beforeNext('POST', /eviction$/, () => server.deny('create', '', 'pods/eviction'));
    const second: PlannedAction = { ...evictApiPod, target: { ...evictApiPod.target, name: 'api-7d9f4b6c8-b9zfd' } };
    await execute(second, (await cluster.dryRun(second, { signal: signal() })).fingerprint, 'exec-2');
    expect(server.get('Pod', 'payments', 'api-7d9f4b6c8-b9zfd')!.metadata['annotations']).toEqual({ 'awoooi.io/execution-id': 'exec-2' });
    expect(await cluster.reconcile(second, 'exec-2', { signal: signal() })).toBe('not_applied');

    const statefulPod: PlannedAction = { ...evictApiPod, target: { kind: 'Pod', namespace: 'shop', name: 'orders-db-0' } };
    expect(await cluster.reconcile(statefulPod, 'exec-3', { signal: signal() })).toBe('unknown');
  });

  it('a call cut off by its signal rejects with the signal’s reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('no answer within 30 s'));
    await expect(cluster.dryRun(restartApi, { signal: controller.signal })).rejects.toThrow('no answer within 30 s');
  });

  it('an API server that does not answer is unavailable (retryable), not a crash', async () => {
    const dryRun = await cluster.dryRun(restartApi, { signal: signal() });
    await server.close();
    const executed = await execute(restartApi, dryRun.fingerprint);
    expect(executed).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    server = await FakeKubeApiserver.start();
  });
});
