import type { V1Container, V1ObjectMeta, V1Service } from '@kubernetes/client-node';
import type { ServiceKind, TopologyService } from '../../src/topology/topology.ts';
import { callWith, type KubeApis } from './kube-connection.ts';
import { kubeFailure } from './kube-failure.ts';
import { selects } from './label-selector.ts';
import type { NamespaceScope } from './namespace-scope.ts';

/** Where a workload declares what it calls: names of workloads or Services, comma-separated, "name" or "namespace/name". */
export const dependsOnAnnotation = 'awoooi.io/depends-on';

const kindHints: readonly [RegExp, ServiceKind][] = [
  [/postgres|mysql|mariadb|mongo|cockroach|cassandra|clickhouse|elasticsearch|opensearch/, 'database'],
  [/redis|memcached|valkey|dragonfly|keydb/, 'cache'],
  [/rabbitmq|kafka|nats|pulsar|activemq|redpanda/, 'queue'],
  [/ingress-nginx|nginx-ingress|traefik|envoy|haproxy|contour|kong/, 'ingress'],
];

/** A workload's kind guessed from its images and its name labels: postgres → database, redis → cache, kafka → queue… */
export function guessKind(meta: V1ObjectMeta | undefined, containers: readonly V1Container[]): ServiceKind {
  const labels = meta?.labels ?? {};
  const text = [
    ...containers.map((container) => container.image ?? ''),
    labels['app.kubernetes.io/name'] ?? '',
    labels['app'] ?? '',
    labels['app.kubernetes.io/component'] ?? '',
  ]
    .join(' ')
    .toLowerCase();
  return kindHints.find(([pattern]) => pattern.test(text))?.[1] ?? 'service';
}

interface Workload {
  namespace: string;
  name: string;
  meta: V1ObjectMeta | undefined;
  podLabels: Record<string, string> | undefined;
  containers: V1Container[];
}

export type DiscoverResult = { ok: true; services: TopologyService[] } | { ok: false; error: string };

/**
 * The services of the namespaces in scope, from the cluster: one node per Deployment and StatefulSet (named as the
 * workload, which is what alerts' deployment/statefulset/pod labels name), kinds guessed from images and labels, edges
 * from `awoooi.io/depends-on`. A dependency may name a Service: it resolves to the workload its selector picks. A
 * dependency found nowhere becomes an `external` node.
 */
export async function discoverTopology(apis: KubeApis, scope: NamespaceScope, signal: AbortSignal): Promise<DiscoverResult> {
  const options = callWith(signal);
  try {
    const [deployments, statefulSets, services] = await Promise.all([
      apis.apps.listDeploymentForAllNamespaces({}, options),
      apis.apps.listStatefulSetForAllNamespaces({}, options),
      apis.core.listServiceForAllNamespaces({}, options),
    ]);
    const inScope = (meta: V1ObjectMeta | undefined) =>
      scope.refusal({ kind: 'Deployment', namespace: meta?.namespace ?? '', name: meta?.name ?? '' }) === null;
    const workloads: Workload[] = [...deployments.items, ...statefulSets.items]
      .filter((workload) => inScope(workload.metadata))
      .map((workload) => ({
        namespace: workload.metadata?.namespace ?? '',
        name: workload.metadata?.name ?? '',
        meta: workload.metadata,
        podLabels: workload.spec?.template.metadata?.labels,
        containers: workload.spec?.template.spec?.containers ?? [],
      }));
    return {
      ok: true,
      services: toServices(
        workloads,
        services.items.filter((service) => inScope(service.metadata)),
      ),
    };
  } catch (error) {
    return { ok: false, error: kubeFailure(error, signal).message };
  }
}

function toServices(workloads: readonly Workload[], services: readonly V1Service[]): TopologyService[] {
  // Names must be unique in a topology: a second workload of the same name in another namespace is qualified.
  const nodeName = new Map<Workload, string>();
  const taken = new Set<string>();
  for (const workload of workloads) {
    const name = taken.has(workload.name) ? `${workload.namespace}-${workload.name}` : workload.name;
    taken.add(name);
    nodeName.set(workload, name);
  }
  const resolve = (reference: string, from: Workload): string => {
    const [namespace, name] = reference.includes('/') ? (reference.split('/', 2) as [string, string]) : [from.namespace, reference];
    const workload = workloads.find((candidate) => candidate.namespace === namespace && candidate.name === name);
    if (workload !== undefined) return nodeName.get(workload)!;
    const service = services.find((candidate) => candidate.metadata?.namespace === namespace && candidate.metadata?.name === name);
    const selected =
      service?.spec?.selector === undefined
        ? undefined
        : workloads.find((candidate) => candidate.namespace === namespace && selects({ matchLabels: service.spec!.selector! }, candidate.podLabels));
    return selected === undefined ? name : nodeName.get(selected)!;
  };
  const nodes: TopologyService[] = workloads.map((workload) => {
    const declared = (workload.meta?.annotations?.[dependsOnAnnotation] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const dependsOn = [...new Set(declared.map((reference) => resolve(reference, workload)))].filter((name) => name !== nodeName.get(workload));
    return { name: nodeName.get(workload)!, kind: guessKind(workload.meta, workload.containers), namespace: workload.namespace, dependsOn };
  });
  const known = new Set(nodes.map((node) => node.name));
  const external = [...new Set(nodes.flatMap((node) => node.dependsOn))].filter((name) => !known.has(name));
  return [...nodes, ...external.map((name): TopologyService => ({ name, kind: 'external', dependsOn: [] }))];
}
