import type { V1Deployment } from '@kubernetes/client-node';
import type { ActionTarget, WorkloadResources } from '../../src/ports/cluster-port.ts';
import { callWith, type KubeApis } from './kube-connection.ts';
import { attempt } from './observe-target.ts';

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** A Kubernetes quantity ("500m", "1.5", "256Mi", "1G") as a number of base units; null when unreadable. */
export function parseQuantity(text: string | undefined): number | null {
  if (text === undefined) return null;
  const match = /^([0-9.]+)(e[0-9]+|[KMGTP]i|[numkMGTP]?)$/.exec(text.trim());
  if (match === null) return null;
  const amount = Number(match[1]);
  const suffix = match[2] ?? '';
  if (!Number.isFinite(amount)) return null;
  if (suffix.startsWith('e')) return amount * 10 ** Number(suffix.slice(1));
  const factor = binary[suffix] ?? decimal[suffix];
  return factor === undefined ? null : amount * factor;
}

function ofDeployment(deployment: V1Deployment): WorkloadResources {
  let cpuCores = 0;
  let memoryBytes = 0;
  for (const container of deployment.spec?.template.spec?.containers ?? []) {
    cpuCores += parseQuantity(container.resources?.requests?.['cpu']) ?? 0;
    memoryBytes += parseQuantity(container.resources?.requests?.['memory']) ?? 0;
  }
  return { replicas: deployment.spec?.replicas ?? 1, cpuCores, memoryGiB: memoryBytes / 2 ** 30 };
}

/** A deployment's replicas and per-replica requests; a pod answers for the deployment that owns it (through its ReplicaSet). */
export async function workloadResources(apis: KubeApis, target: ActionTarget, signal: AbortSignal): Promise<WorkloadResources | null> {
  const namespace = target.namespace;
  if (namespace === undefined) return null;
  const options = callWith(signal);
  let deploymentName: string | undefined = target.kind === 'Deployment' ? target.name : undefined;
  if (target.kind === 'Pod') {
    const pod = await attempt(signal, () => apis.core.readNamespacedPod({ name: target.name, namespace }, options));
    const set = pod.ok ? pod.value?.metadata?.ownerReferences?.find((owner) => owner.kind === 'ReplicaSet') : undefined;
    if (set === undefined) return null;
    const replicaSet = await attempt(signal, () => apis.apps.readNamespacedReplicaSet({ name: set.name, namespace }, options));
    deploymentName = replicaSet.ok ? replicaSet.value?.metadata?.ownerReferences?.find((owner) => owner.kind === 'Deployment')?.name : undefined;
  }
  if (deploymentName === undefined) return null;
  const name = deploymentName;
  const deployment = await attempt(signal, () => apis.apps.readNamespacedDeployment({ name, namespace }, options));
  return deployment.ok && deployment.value !== null ? ofDeployment(deployment.value) : null;
}
