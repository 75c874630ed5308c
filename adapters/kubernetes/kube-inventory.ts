import type { V1Container, V1ObjectMeta, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { ClusterInventory, InventoryClaim, InventoryPod, InventoryVolume } from '../../src/ports/cluster-port.ts';
import { callWith, type KubeApis } from './kube-connection.ts';
import { kubeFailure } from './kube-failure.ts';
import type { NamespaceScope } from './namespace-scope.ts';
import { parseQuantity } from './workload-resources.ts';

const gibibyte = 2 ** 30;
const instanceTypeLabels = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'];

/** Per-replica requests of a pod template: the sum over its containers (init containers run before, not beside). */
function requestsOf(containers: readonly V1Container[] | undefined): { cpuCores: number; memoryGiB: number; containers: string[] } {
  let cpuCores = 0;
  let memoryBytes = 0;
  for (const container of containers ?? []) {
    cpuCores += parseQuantity(container.resources?.requests?.['cpu']) ?? 0;
    memoryBytes += parseQuantity(container.resources?.requests?.['memory']) ?? 0;
  }
  return { cpuCores, memoryGiB: memoryBytes / gibibyte, containers: (containers ?? []).map((container) => container.name) };
}

const gib = (quantity: string | undefined) => (parseQuantity(quantity) ?? 0) / gibibyte;

/**
 * One read of what costs money, for the FinOps scan: eight lists (deployments, statefulsets, replicasets, pods,
 * claims, volumes, nodes), namespaced objects within the bot's scope. Volumes are cluster-scoped: a volume whose old
 * claim lay outside the scope is left out. Rejects with the API's failure when a list is refused.
 */
export async function kubeInventory(apis: KubeApis, scope: NamespaceScope, signal: AbortSignal): Promise<ClusterInventory> {
  const options = callWith(signal);
  try {
    const [deployments, statefulSets, replicaSets, pods, claims, volumes, nodes] = await Promise.all([
      apis.apps.listDeploymentForAllNamespaces({}, options),
      apis.apps.listStatefulSetForAllNamespaces({}, options),
      apis.apps.listReplicaSetForAllNamespaces({}, options),
      apis.core.listPodForAllNamespaces({}, options),
      apis.core.listPersistentVolumeClaimForAllNamespaces({}, options),
      apis.core.listPersistentVolume({}, options),
      apis.core.listNode({}, options),
    ]);
    const inScope = (namespace: string | undefined) => namespace !== undefined && scope.refusal({ kind: 'Pod', namespace, name: 'scan' }) === null;
    const scoped = <T extends { metadata?: V1ObjectMeta }>(items: T[]) => items.filter((item) => inScope(item.metadata?.namespace));
    // A pod's ReplicaSet names the Deployment that owns it.
    const deploymentOfSet = new Map(
      scoped(replicaSets.items).map((set) => [
        `${set.metadata?.namespace}/${set.metadata?.name}`,
        set.metadata?.ownerReferences?.find((owner) => owner.kind === 'Deployment')?.name,
      ]),
    );
    return {
      workloads: [
        ...scoped(deployments.items).map((deployment) => ({
          kind: 'Deployment' as const,
          namespace: deployment.metadata?.namespace ?? '',
          name: deployment.metadata?.name ?? '',
          replicas: deployment.spec?.replicas ?? 1,
          ...requestsOf(deployment.spec?.template.spec?.containers),
        })),
        ...scoped(statefulSets.items).map((set) => ({
          kind: 'StatefulSet' as const,
          namespace: set.metadata?.namespace ?? '',
          name: set.metadata?.name ?? '',
          replicas: set.spec?.replicas ?? 1,
          ...requestsOf(set.spec?.template.spec?.containers),
        })),
      ],
      pods: scoped(pods.items).map((pod) => podOf(pod, deploymentOfSet)),
      claims: scoped(claims.items).map(claimOf),
      volumes: volumes.items.map(volumeOf).filter((volume) => volume.claim === null || inScope(volume.claim.namespace)),
      nodes: nodes.items.map((node) => ({
        name: node.metadata?.name ?? '',
        instanceType: instanceTypeLabels.map((label) => node.metadata?.labels?.[label]).find((value) => value !== undefined) ?? null,
        cpuCores: parseQuantity(node.status?.allocatable?.['cpu']),
        memoryGiB: node.status?.allocatable?.['memory'] === undefined ? null : gib(node.status.allocatable['memory']),
      })),
    };
  } catch (error) {
    throw new Error(`listing the cluster for the FinOps scan failed: ${kubeFailure(error, signal).message}`);
  }
}

const podPhases = new Set<InventoryPod['phase']>(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);

function podOf(pod: V1Pod, deploymentOfSet: ReadonlyMap<string, string | undefined>): InventoryPod {
  const namespace = pod.metadata?.namespace ?? '';
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller === true) ?? pod.metadata?.ownerReferences?.[0];
  let workload: InventoryPod['workload'] = null;
  if (owner?.kind === 'StatefulSet') workload = { kind: 'StatefulSet', name: owner.name };
  if (owner?.kind === 'ReplicaSet') {
    const deployment = deploymentOfSet.get(`${namespace}/${owner.name}`);
    if (deployment !== undefined) workload = { kind: 'Deployment', name: deployment };
  }
  const phase = pod.status?.phase as InventoryPod['phase'] | undefined;
  return {
    namespace,
    name: pod.metadata?.name ?? '',
    workload,
    node: pod.spec?.nodeName ?? null,
    phase: phase !== undefined && podPhases.has(phase) ? phase : 'Unknown',
    claims: (pod.spec?.volumes ?? []).flatMap((volume) => (volume.persistentVolumeClaim === undefined ? [] : [volume.persistentVolumeClaim.claimName])),
  };
}

function claimOf(claim: V1PersistentVolumeClaim): InventoryClaim {
  const phase = claim.status?.phase;
  return {
    namespace: claim.metadata?.namespace ?? '',
    name: claim.metadata?.name ?? '',
    phase: phase === 'Bound' || phase === 'Lost' ? phase : 'Pending',
    // What was provisioned (status) bills, not what was asked for.
    storageGiB: gib(claim.status?.capacity?.['storage'] ?? claim.spec?.resources?.requests?.['storage']),
    storageClass: claim.spec?.storageClassName ?? null,
    volume: claim.spec?.volumeName ?? null,
  };
}

const volumePhases = new Set<InventoryVolume['phase']>(['Pending', 'Available', 'Bound', 'Released', 'Failed']);

function volumeOf(volume: V1PersistentVolume): InventoryVolume {
  const phase = volume.status?.phase as InventoryVolume['phase'] | undefined;
  const claim = volume.spec?.claimRef;
  return {
    name: volume.metadata?.name ?? '',
    phase: phase !== undefined && volumePhases.has(phase) ? phase : 'Pending',
    storageGiB: gib(volume.spec?.capacity?.['storage']),
    storageClass: volume.spec?.storageClassName ?? null,
    reclaimPolicy: volume.spec?.persistentVolumeReclaimPolicy ?? null,
    claim: claim?.name === undefined || claim.namespace === undefined ? null : { namespace: claim.namespace, name: claim.name },
  };
}
