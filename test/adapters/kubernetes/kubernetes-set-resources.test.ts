import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from './kube-world.ts';

const signal = () => AbortSignal.timeout(10_000);
const rightSizeApi = (params: Record<string, unknown>): PlannedAction => ({
  action: 'set_resources',
  target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
  params,
});
const lower = rightSizeApi({ container: 'api', requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });

describe('Kubernetes adapter: set_resources at the wire [fake API server, simulated]', () => {
  let server: FakeKubeApiserver;
  let cluster: KubernetesCluster;

  beforeEach(async () => {
    server = await FakeKubeApiserver.start(kubeWorld());
    cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath });
  });
  afterEach(() => server.close());

  const execute = (planned: PlannedAction, expectedFingerprint: string, executionId = 'exec-1') =>
    cluster.execute(planned, { expectedFingerprint, executionId, signal: signal() });

  it("dry-run with dryRun=All, then one guarded JSON patch of the container's resources, stamped; reconcile sees it", async () => {
    const dryRun = await cluster.dryRun(lower, { signal: signal() });
    expect(dryRun.ok).toBe(true);
    expect(dryRun.findings).toContainEqual({
      check: 'blast_radius',
      ok: true,
      message: 'container api requests cpu 250m → 100m, memory 512Mi → 256Mi, limits memory 512Mi; replaces 3 pods, rolling',
    });
    expect(dryRun.findings).toContainEqual(expect.objectContaining({ check: 'rbac', ok: true, message: expect.stringContaining('patch deployments.apps') }));
    expect(server.writes()).toEqual([
      expect.objectContaining({ method: 'PATCH', path: '/apis/apps/v1/namespaces/payments/deployments/api', query: { dryRun: 'All', fieldManager: 'awoooi' } }),
    ]);
    expect(server.get('Deployment', 'payments', 'api')!.spec.template.spec.containers[0].resources.requests.cpu).toBe('250m');
    expect(await cluster.reconcile(lower, 'exec-1', { signal: signal() })).toBe('not_applied');

    server.requests.length = 0;
    const executed = await execute(lower, dryRun.fingerprint);
    expect(executed).toMatchObject({
      ok: true,
      message: 'set requests of container api in deployment payments/api to cpu 100m, memory 256Mi (pods replaced, rolling)',
    });
    const writes = server.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: '6f1c2b8e-0000-4000-8000-00000000a001' },
      { op: 'test', path: '/metadata/generation', value: 1 },
      { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'api' },
      { op: 'add', path: '/spec/template/spec/containers/0/resources', value: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } } },
      { op: 'add', path: '/metadata/annotations/awoooi.io~1execution-id', value: 'exec-1' },
    ]);
    const stored = server.get('Deployment', 'payments', 'api')!;
    expect(stored.spec.template.spec.containers[0]).toMatchObject({
      name: 'api',
      image: 'registry.example/api:1.5.0',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    });
    expect(stored.metadata.generation).toBe(2);
    // After a crash: the stamp tells whether this execution wrote.
    expect(await cluster.reconcile(lower, 'exec-1', { signal: signal() })).toBe('applied');
    expect(await cluster.reconcile(lower, 'exec-other', { signal: signal() })).toBe('not_applied');
  });

  it('a spec change between the read and the write fails the JSON-patch test (422): state_changed, requests untouched', async () => {
    const dryRun = await cluster.dryRun(lower, { signal: signal() });
    server.beforeNext('PATCH', /deployments\/api$/, () =>
      server.updateSpec('Deployment', 'payments', 'api', (spec) => {
        spec.template.spec.containers[0].resources.requests.cpu = '300m';
      }),
    );
    const executed = await execute(lower, dryRun.fingerprint);
    expect(executed).toMatchObject({
      ok: false,
      error: { code: 'state_changed', retryable: false, message: expect.stringMatching(/testing value \/metadata\/generation failed/) },
    });
    const stored = server.get('Deployment', 'payments', 'api')!;
    expect(stored.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '300m', memory: '512Mi' });
    expect(stored.metadata.annotations).not.toHaveProperty(['awoooi.io/execution-id']);
  });

  it('a changed request after the dry-run voids the signatures (fingerprint), nothing written', async () => {
    const dryRun = await cluster.dryRun(lower, { signal: signal() });
    server.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.template.spec.containers[0].resources.requests.memory = '1Gi';
    });
    server.requests.length = 0;
    expect(await execute(lower, dryRun.fingerprint)).toMatchObject({ ok: false, error: { code: 'state_changed' } });
    expect(server.writes()).toEqual([]);
  });

  it('an unknown container or a request above the existing limit fails the dry-run, nothing sent', async () => {
    const sidecar = await cluster.dryRun(rightSizeApi({ container: 'sidecar', requests: { cpu: '100m' } }), { signal: signal() });
    expect(sidecar.ok).toBe(false);
    expect(sidecar.findings).toContainEqual({ check: 'parameters', ok: false, message: 'deployment api has no container sidecar (containers: api)' });
    server.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.template.spec.containers[0].resources.limits = { cpu: '500m' };
    });
    const above = await cluster.dryRun(rightSizeApi({ container: 'api', requests: { cpu: '1' } }), { signal: signal() });
    expect(above.findings).toContainEqual({ check: 'parameters', ok: false, message: 'requests.cpu 1 would exceed limits.cpu 500m' });
    expect(server.writes()).toEqual([]);
  });

  it('a cut to under a quarter of the request is flagged for the signer', async () => {
    const steep = await cluster.dryRun(rightSizeApi({ container: 'api', requests: { cpu: '50m' } }), { signal: signal() });
    expect(steep.ok).toBe(true);
    expect(steep.findings).toContainEqual({
      check: 'blast_radius',
      ok: true,
      warning: true,
      message: "cpu cut to under a quarter of today's request: check its peak use",
    });
  });
});
