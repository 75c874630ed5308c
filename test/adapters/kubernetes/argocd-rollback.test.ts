import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { FakeArgoCd, fakeArgoToken } from '../../support/fake-argocd-server.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from './kube-world.ts';

const signal = () => AbortSignal.timeout(10_000);
const rollbackCheckout: PlannedAction = { action: 'rollback_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} };
const history = [
  { id: 3, revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
  { id: 4, revision: 'f00dfeedbeefcafe0123456789abcdef01234567' },
];

describe('rollback of an Argo CD application through Argo CD’s API [fake API server and fake Argo CD, simulated]', () => {
  let kube: FakeKubeApiserver;
  let argo: FakeArgoCd;
  let cluster: KubernetesCluster;

  beforeEach(async () => {
    kube = await FakeKubeApiserver.start(kubeWorld());
    argo = await FakeArgoCd.start('shop-checkout', structuredClone(history));
    // What Argo CD's sync does to the deployment: the old revision's template (a spec change).
    argo.onRollback = () =>
      kube.updateSpec('Deployment', 'shop', 'checkout', (spec) => {
        spec.template.spec.containers[0].image = 'registry.example/checkout:3.1.0';
      });
    cluster = new KubernetesCluster({ kubeconfig: kube.kubeconfigPath, argocd: { url: argo.url, token: fakeArgoToken } });
  });
  afterEach(async () => {
    await kube.close();
    await argo.close();
  });

  it('dry-run: the previous history entry, Argo CD dryRun and a stamped dryRun=All patch; the signed state names the revision', async () => {
    const dryRun = await cluster.dryRun(rollbackCheckout, { signal: signal() });
    expect(dryRun.ok).toBe(true);
    expect(dryRun.state).toMatchObject({ argocdApp: 'shop-checkout', argocdRollbackTo: 3, argocdRevision: history[0]!.revision, argocdAutomated: false });
    expect(dryRun.findings).toContainEqual(
      expect.objectContaining({
        check: 'gitops',
        ok: true,
        message: expect.stringMatching(/^rollback goes through Argo CD: application shop-checkout back to history id 3/),
      }),
    );
    // The "Argo CD reverts a direct change" warning is not given: this is no direct change.
    expect(dryRun.findings.some((finding) => finding.warning === true && finding.check === 'gitops')).toBe(false);
    expect(argo.requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ['GET', '/api/v1/applications/shop-checkout', undefined],
      ['POST', '/api/v1/applications/shop-checkout/rollback', { id: 3, dryRun: true, prune: false }],
    ]);
    expect(kube.writes().map((write) => write.query['dryRun'])).toEqual(['All']);
    expect(kube.requests.some((request) => request.path.endsWith('/replicasets'))).toBe(false);
  });

  it('execute: stamps the deployment, rolls the application back; reconcile sees the revision Argo CD synced to', async () => {
    const dryRun = await cluster.dryRun(rollbackCheckout, { signal: signal() });
    argo.requests.length = 0;
    const executed = await cluster.execute(rollbackCheckout, { expectedFingerprint: dryRun.fingerprint, executionId: 'exec-argo', signal: signal() });
    expect(executed).toMatchObject({
      ok: true,
      message: 'rolled back Argo CD application shop-checkout to history id 3 (revision a1b2c3d4e5f6) for deployment shop/checkout',
    });
    expect(argo.requests.at(-2)).toMatchObject({ method: 'POST', body: { id: 3, dryRun: false, prune: false } });
    expect(kube.get('Deployment', 'shop', 'checkout')!.metadata['annotations']).toMatchObject({
      'awoooi.io/execution-id': 'exec-argo',
      'awoooi.io/argocd-rollback': `shop-checkout@3@${history[0]!.revision}`,
    });
    expect(await cluster.reconcile(rollbackCheckout, 'exec-argo', { signal: signal() })).toBe('applied');
    expect(await cluster.reconcile(rollbackCheckout, 'exec-other', { signal: signal() })).toBe('not_applied');
  });

  it('stamped but Argo CD never rolled back (the process died between the two calls): not applied', async () => {
    const stamped = kube.get('Deployment', 'shop', 'checkout')!;
    const annotations = {
      ...(stamped.metadata['annotations'] as object),
      'awoooi.io/execution-id': 'exec-x',
      'awoooi.io/argocd-rollback': `shop-checkout@3@${history[0]!.revision}`,
    };
    kube.put({ ...stamped, metadata: { ...stamped.metadata, annotations } });
    expect(await cluster.reconcile(rollbackCheckout, 'exec-x', { signal: signal() })).toBe('not_applied');
    argo.application.status.operationState = { phase: 'Running' };
    expect(await cluster.reconcile(rollbackCheckout, 'exec-x', { signal: signal() })).toBe('unknown');
  });

  it('Argo CD unreachable at execution: refused before anything is written', async () => {
    const dryRun = await cluster.dryRun(rollbackCheckout, { signal: signal() });
    await argo.close();
    kube.requests.length = 0;
    const executed = await cluster.execute(rollbackCheckout, { expectedFingerprint: dryRun.fingerprint, executionId: 'exec-lost', signal: signal() });
    expect(executed).toMatchObject({
      ok: false,
      error: { code: 'unavailable', retryable: true, message: expect.stringMatching(/^could not read Argo CD application shop-checkout: Argo CD unreachable/) },
    });
    expect(kube.writes()).toEqual([]);
    argo = await FakeArgoCd.start('shop-checkout', structuredClone(history));
  });

  it('auto-sync on: the dry-run fails (Argo CD would refuse), and nothing is rolled back', async () => {
    argo.application.spec.syncPolicy = { automated: { prune: true, selfHeal: true } };
    const dryRun = await cluster.dryRun(rollbackCheckout, { signal: signal() });
    expect(dryRun.ok).toBe(false);
    expect(dryRun.findings).toContainEqual({
      check: 'parameters',
      ok: false,
      message: 'Argo CD refuses a rollback while auto-sync is on for application shop-checkout: turn auto-sync off first, and on again once Git is fixed',
    });
    expect(argo.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('auto-sync switched on after signing changes the signed state: execute refuses (state_changed)', async () => {
    const dryRun = await cluster.dryRun(rollbackCheckout, { signal: signal() });
    argo.application.spec.syncPolicy = { automated: { selfHeal: true } };
    const executed = await cluster.execute(rollbackCheckout, { expectedFingerprint: dryRun.fingerprint, executionId: 'exec-1', signal: signal() });
    expect(executed).toMatchObject({ ok: false, error: { code: 'state_changed' } });
    expect(argo.requests.filter((request) => request.method === 'POST' && request.body?.dryRun === false)).toEqual([]);
  });

  it('a deployment Argo CD does not know (label only, 404) is rolled back directly, with the GitOps warning', async () => {
    kube.put({
      ...kube.get('Deployment', 'payments', 'api')!,
      metadata: { ...kube.get('Deployment', 'payments', 'api')!.metadata, labels: { app: 'api', 'app.kubernetes.io/instance': 'payments-api' } },
    });
    const dryRun = await cluster.dryRun({ ...rollbackCheckout, target: { kind: 'Deployment', namespace: 'payments', name: 'api' } }, { signal: signal() });
    expect(dryRun.ok).toBe(true);
    expect(dryRun.state).toMatchObject({ rollbackRevision: 1 });
    expect(dryRun.findings).toContainEqual(expect.objectContaining({ check: 'gitops', warning: true }));
  });

  it('ARGOCD_URL and ARGOCD_TOKEN configure it; a URL without a token is named', () => {
    const loaded = loadConfig({ ARGOCD_URL: 'https://argocd.example', ARGOCD_TOKEN: 'secret-token' });
    expect(loaded.ok && loaded.config.cluster.argocd).toEqual({ url: 'https://argocd.example', token: 'secret-token' });
    expect(loadConfig({ ARGOCD_URL: 'https://argocd.example' })).toMatchObject({ ok: false, errors: [expect.stringMatching(/token/)] });
  });
});
