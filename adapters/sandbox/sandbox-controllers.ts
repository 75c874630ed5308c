import { meta, nextNamePart, ownedPods, touch } from './sandbox-world.ts';
import type { SandboxDeployment, SandboxPod, SandboxWorld } from './sandbox-world.ts';

/** The schedulable node running the fewest pods; null when every node is cordoned. */
function pickNode(world: SandboxWorld): string | null {
  const candidates = world.nodes.filter((node) => !node.unschedulable);
  let best: { name: string; load: number } | null = null;
  for (const node of candidates) {
    const load = world.pods.filter((pod) => pod.node === node.name).length;
    if (best === null || load < best.load) best = { name: node.name, load };
  }
  return best?.name ?? null;
}

/** A new, healthy pod of a deployment; Pending when no node will take it. */
export function newDeploymentPod(world: SandboxWorld, deployment: SandboxDeployment): SandboxPod {
  const node = pickNode(world);
  return {
    ...meta(world),
    namespace: deployment.namespace,
    name: `${deployment.name}-${deployment.podTemplateHash}-${nextNamePart(world, 5)}`,
    ownerKind: 'Deployment',
    owner: deployment.name,
    phase: node === null ? 'Pending' : 'Running',
    ready: node !== null,
    restarts: 0,
    reason: null,
    node,
  };
}

/**
 * What the controllers would do, instantly: each deployment gets its replica count of pods (not-ready
 * and newest go first on scale-down), then deployment and PDB status follow the pods. A status change
 * bumps the object's resourceVersion, as a status update does on a real API server.
 */
export function converge(world: SandboxWorld): void {
  for (const deployment of world.deployments) {
    const pods = ownedPods(world, deployment.namespace, deployment.name);
    for (let missing = deployment.replicas - pods.length; missing > 0; missing--) {
      world.pods.push(newDeploymentPod(world, deployment));
    }
    if (pods.length > deployment.replicas) {
      const doomed = [...pods]
        .reverse()
        .sort((a, b) => Number(a.ready) - Number(b.ready))
        .slice(0, pods.length - deployment.replicas);
      world.pods = world.pods.filter((pod) => !doomed.includes(pod));
    }
    const ready = ownedPods(world, deployment.namespace, deployment.name).filter((pod) => pod.ready).length;
    if (ready !== deployment.readyReplicas) {
      deployment.readyReplicas = ready;
      touch(world, deployment);
    }
  }
  for (const pdb of world.pdbs) {
    const healthy = ownedPods(world, pdb.namespace, pdb.workload).filter((pod) => pod.ready).length;
    const allowed = Math.max(0, healthy - pdb.minAvailable);
    if (healthy !== pdb.currentHealthy || allowed !== pdb.disruptionsAllowed) {
      pdb.currentHealthy = healthy;
      pdb.disruptionsAllowed = allowed;
      touch(world, pdb);
    }
  }
  // A deleted pod no longer mounts anything.
  const podNames = new Set(world.pods.map((pod) => `${pod.namespace}/${pod.name}`));
  for (const pvc of world.pvcs) {
    const mounted = pvc.mountedBy.filter((name) => podNames.has(`${pvc.namespace}/${name}`));
    if (mounted.length !== pvc.mountedBy.length) {
      pvc.mountedBy = mounted;
      touch(world, pvc);
    }
  }
}
