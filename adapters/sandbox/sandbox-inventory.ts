import type { ClusterInventory } from '../../src/ports/cluster-port.ts';
import { containerOf, type SandboxWorld } from './sandbox-world.ts';

/** The simulated cluster as the FinOps scan reads it: claims are Bound to implied volumes, extra volumes listed as they are. */
export function sandboxInventory(world: SandboxWorld): ClusterInventory {
  return {
    workloads: world.deployments.map((deployment) => ({
      kind: 'Deployment',
      namespace: deployment.namespace,
      name: deployment.name,
      replicas: deployment.replicas,
      cpuCores: deployment.cpuCores,
      memoryGiB: deployment.memoryGiB,
      containers: [containerOf(deployment)],
    })),
    pods: world.pods.map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      workload: pod.ownerKind === null || pod.owner === null ? null : { kind: pod.ownerKind, name: pod.owner },
      node: pod.node,
      phase: pod.phase,
      claims: world.pvcs.filter((pvc) => pvc.namespace === pod.namespace && pvc.mountedBy.includes(pod.name)).map((pvc) => pvc.name),
    })),
    claims: world.pvcs.map((pvc) => ({
      namespace: pvc.namespace,
      name: pvc.name,
      phase: 'Bound',
      storageGiB: pvc.storageGiB,
      storageClass: pvc.storageClass ?? null,
      volume: `pvc-${pvc.uid}`,
    })),
    volumes: (world.volumes ?? []).map((volume) => ({ ...volume, reclaimPolicy: 'Retain' })),
    nodes: world.nodes.map((node) => ({
      name: node.name,
      instanceType: node.instanceType ?? null,
      cpuCores: node.cpuCores ?? null,
      memoryGiB: node.memoryGiB ?? null,
    })),
  };
}
