import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { startTopologyDiscovery } from '../../../src/cli/topology-discovery.ts';
import { topologyCommand } from '../../../src/cli/topology-command.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { mergeTopology } from '../../../src/topology/merge-topology.ts';
import { parseTopology } from '../../../src/topology/parse-topology.ts';
import { collectOutput } from '../../support/collect-output.ts';
import { FakeKubeApiserver, type KubeObject } from '../../support/fake-kube-apiserver.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

function workload(kind: 'Deployment' | 'StatefulSet', namespace: string, name: string, image: string, dependsOn?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, labels: { app: name }, ...(dependsOn !== undefined && { annotations: { 'awoooi.io/depends-on': dependsOn } }) },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } } },
  };
}

const shop = (): KubeObject[] => [
  workload('Deployment', 'shop', 'checkout', 'registry.example/checkout:3.2.0', 'payments/api, orders, session-cache, card-processor'),
  workload('Deployment', 'payments', 'api', 'registry.example/api:1.5.0', 'shop/orders'),
  workload('StatefulSet', 'shop', 'orders-db', 'docker.io/library/postgres:17'),
  workload('Deployment', 'shop', 'session-cache', 'redis:7-alpine'),
  workload('Deployment', 'shop', 'events', 'bitnami/kafka:3.7'),
  workload('Deployment', 'kube-system', 'coredns', 'registry.k8s.io/coredns/coredns:v1.11.1'),
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders', namespace: 'shop' }, spec: { selector: { app: 'orders-db' }, ports: [{ port: 5432 }] } },
];

describe('topology discovery from the cluster [fake API server, simulated]', () => {
  let server: FakeKubeApiserver;
  beforeEach(async () => {
    server = await FakeKubeApiserver.start(shop());
  });
  afterEach(() => server.close());

  it('`awoooi topology --discover` prints workloads, guessed kinds and declared edges as a valid topology file', async () => {
    const output = collectOutput();
    const config = configSchema.parse({ cluster: { kind: 'kubernetes', kubeconfig: server.kubeconfigPath } });
    expect(await topologyCommand(config, output.stream, collectOutput().stream)).toBe(0);
    expect(output.text()).toMatch(/^# discovered in kubernetes \(/);
    const parsed = parseTopology(output.text());
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.services).toEqual([
      // A dependency on a Service resolves to the workload its selector picks; kube-system is out of scope.
      { name: 'checkout', kind: 'service', namespace: 'shop', dependsOn: ['api', 'orders-db', 'session-cache', 'card-processor'] },
      { name: 'api', kind: 'service', namespace: 'payments', dependsOn: ['orders-db'] },
      { name: 'session-cache', kind: 'cache', namespace: 'shop', dependsOn: [] },
      { name: 'events', kind: 'queue', namespace: 'shop', dependsOn: [] },
      { name: 'orders-db', kind: 'database', namespace: 'shop', dependsOn: [] },
      { name: 'card-processor', kind: 'external', dependsOn: [] },
    ]);
    expect(parse(output.text()).services).toHaveLength(6);
  });

  it('on the sandbox there is nothing to discover (exit 2)', async () => {
    const errors = collectOutput();
    expect(await topologyCommand(configSchema.parse({}), collectOutput().stream, errors.stream)).toBe(2);
    expect(errors.text()).toMatch(/needs a real cluster/);
  });

  it('merged with the file (the file wins on kinds, edges of both count) and refreshed; a failed refresh keeps the last graph', async () => {
    const cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath, namespaces: ['shop', 'payments'] });
    const log = recordingLogger();
    const file = [
      { name: 'orders-db', kind: 'external' as const, dependsOn: [] },
      { name: 'storefront', kind: 'ingress' as const, dependsOn: ['checkout'] },
    ];
    const discovery = await startTopologyDiscovery(cluster, file, { log, intervalMilliseconds: 3_600_000, timeoutMilliseconds: 5_000 });
    try {
      const graph = discovery.graph();
      expect(graph.kindOf(graph.indexOf('orders-db'))).toBe('external');
      expect(graph.size).toBe(7);
      expect([...graph.dependenciesOf(graph.indexOf('storefront'))].map((node) => graph.nameOf(node))).toEqual(['checkout']);
      expect(discovery.source()).toBe('2 services from the file + 6 discovered in the cluster (every 60 min)');

      server.put(workload('Deployment', 'shop', 'cart', 'registry.example/cart:1.0.0', 'session-cache'));
      await discovery.refresh();
      expect(discovery.graph().indexOf('cart')).toBeGreaterThanOrEqual(0);

      await server.close();
      await discovery.refresh();
      expect(discovery.graph().indexOf('cart')).toBeGreaterThanOrEqual(0);
      expect(log.lines.some((line) => line.message === 'topology discovery failed; the last topology stays')).toBe(true);
    } finally {
      discovery.stop();
      server = await FakeKubeApiserver.start();
    }
  });

  it('mergeTopology drops edges to nodes neither side has', () => {
    expect(
      mergeTopology(
        [{ name: 'a', kind: 'service', dependsOn: ['ghost'] }],
        [
          { name: 'a', kind: 'cache', dependsOn: ['b'] },
          { name: 'b', kind: 'service', dependsOn: [] },
        ],
      ),
    ).toEqual([
      { name: 'a', kind: 'service', dependsOn: ['b'] },
      { name: 'b', kind: 'service', dependsOn: [] },
    ]);
  });
});
