import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finopsReads } from '../../../adapters/kubernetes/access-review.ts';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { defaultPrices } from '../../../src/finops/pricing.ts';
import { scanWaste } from '../../../src/finops/scan-waste.ts';
import type { PodUsage, UsagePort } from '../../../src/ports/usage-port.ts';
import { FakeKubeApiserver, type KubeObject } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from './kube-world.ts';

const signal = () => AbortSignal.timeout(10_000);
const at = new Date('2026-03-01T03:00:00Z');

const volume = (name: string, phase: string, storage: string, claim: { namespace: string; name: string }, storageClassName = 'gp2'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage }, storageClassName, persistentVolumeReclaimPolicy: 'Retain', claimRef: { kind: 'PersistentVolumeClaim', ...claim } },
  status: { phase },
});
const node = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, 'node.kubernetes.io/instance-type': 'm6i.xlarge' } },
  spec: {},
  status: { allocatable: { cpu: '3920m', memory: '15827564Ki' } },
});

/** A usage source shaped like the real one, made up for the test (simulated): every payments/api pod idles for 8 days. */
const idleApi: UsagePort = {
  description: 'test usage (simulated)',
  simulated: true,
  podUsage: async (days): Promise<PodUsage[]> =>
    ['api-7d9f4b6c8-x2k4q', 'api-7d9f4b6c8-b9zfd', 'api-7d9f4b6c8-m4c6w'].map((pod) => ({
      namespace: 'payments',
      pod,
      daily: Array.from({ length: days }, (_, index) => ({
        end: new Date(at.getTime() - index * 86_400_000),
        usedCores: 0.0005,
        requestedCores: 0.25,
      })).reverse(),
      cpuPeakCores: 0.001,
      memoryPeakGiB: 0.05,
    })),
};

describe('Kubernetes adapter: the FinOps inventory at the wire [fake API server, simulated]', () => {
  let server: FakeKubeApiserver;

  beforeEach(async () => {
    server = await FakeKubeApiserver.start([
      ...kubeWorld(),
      node('node-a'),
      volume('pv-0001', 'Bound', '10Gi', { namespace: 'shop', name: 'old-export' }, 'standard'),
      volume('pv-0002', 'Bound', '50Gi', { namespace: 'shop', name: 'orders-data' }, 'standard'),
      volume('pv-0003', 'Released', '200Gi', { namespace: 'shop', name: 'reports-2025' }),
      volume('pv-0004', 'Released', '30Gi', { namespace: 'kube-system', name: 'etcd-backup' }),
    ]);
  });
  afterEach(() => server.close());

  it('lists workloads with per-replica requests, pods with owner, node and claims, claims, volumes and nodes', async () => {
    const cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath });
    const inventory = await cluster.inventory({ signal: signal() });
    expect(inventory.workloads).toContainEqual({
      kind: 'Deployment',
      namespace: 'payments',
      name: 'api',
      replicas: 3,
      cpuCores: 0.25,
      memoryGiB: 0.5,
      containers: ['api'],
    });
    expect(inventory.pods).toContainEqual({
      namespace: 'payments',
      name: 'api-7d9f4b6c8-x2k4q',
      workload: { kind: 'Deployment', name: 'api' },
      node: 'node-a',
      phase: 'Running',
      claims: [],
    });
    expect(inventory.pods).toContainEqual(
      expect.objectContaining({ name: 'orders-db-0', workload: { kind: 'StatefulSet', name: 'orders-db' }, claims: ['orders-data'] }),
    );
    expect(inventory.claims).toContainEqual({
      namespace: 'shop',
      name: 'old-export',
      phase: 'Bound',
      storageGiB: 10,
      storageClass: 'standard',
      volume: 'pv-0001',
    });
    // kube-system is outside the default scope: its released volume is not the bot's to report.
    expect(inventory.volumes.map((entry) => entry.name).sort()).toEqual(['pv-0001', 'pv-0002', 'pv-0003']);
    expect(inventory.nodes).toContainEqual({ name: 'node-a', instanceType: 'm6i.xlarge', cpuCores: 3.92, memoryGiB: expect.closeTo(15.094, 3) });
    // Read-only: lists and nothing else.
    expect(server.writes()).toEqual([]);
    // Exactly the lists deploy/kubernetes/rbac.yaml grants for it (access-review.ts `finopsReads`).
    const listed = server.requests.map((request) => {
      const [, group, resource] = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/([a-z]+)$/.exec(request.path) ?? [];
      return `list ${group ?? ''}/${resource}`;
    });
    expect(listed.sort()).toEqual(finopsReads.map((permission) => `${permission.verb} ${permission.group}/${permission.resource}`).sort());
  });

  it('the scan finds the orphaned claim, the released volume and the idle deployment, with their catalog actions', async () => {
    const cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath });
    const result = await scanWaste({
      cluster,
      usage: idleApi,
      allocation: null,
      prices: defaultPrices,
      clock: { now: () => at },
      zombieDays: 7,
      minimumMonthly: 1,
      timeoutMilliseconds: 10_000,
    });
    if (!result.ok) throw new Error(result.error.message);
    const { report } = result;
    expect(report.recommendations.map((entry) => [entry.kind, entry.target.name, entry.monthly, entry.planned?.action ?? null, entry.risk])).toEqual([
      // 3 × (0.25 × 0.0316 + 0.5 × 0.0042) × 730 = 21.9
      ['zombie_workload', 'api', 21.9, 'scale_deployment', 'HIGH'],
      // 200 GiB gp2 at $0.10
      ['released_volume', 'pv-0003', 20, null, null],
      // 10 GiB standard at $0.10
      ['orphaned_claim', 'old-export', 1, 'delete_pvc', 'HIGH'],
      // Where the freed capacity sits (counted under the workload, not again): node-b's capacity is unknown, so no cordon.
      ['overprovisioned_node', 'node-b', 14.18, null, null],
      ['overprovisioned_node', 'node-a', 7.09, 'cordon_node', 'HIGH'],
    ]);
    expect(report.totals).toEqual({ realizable: { monthly: 21, annual: 252 }, freed: { monthly: 21.9, annual: 262.8 } });
    expect(report.simulated).toBe(true);
  });

  it('a list the bot may not read makes the scan fail with what was refused, not a report of nothing', async () => {
    server.deny('list', '', 'persistentvolumes');
    const cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath });
    const result = await scanWaste({
      cluster,
      usage: null,
      allocation: null,
      prices: defaultPrices,
      clock: { now: () => at },
      zombieDays: 7,
      minimumMonthly: 1,
      timeoutMilliseconds: 10_000,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'cluster_unavailable', message: expect.stringMatching(/persistentvolumes|forbidden/i) } });
  });
});
