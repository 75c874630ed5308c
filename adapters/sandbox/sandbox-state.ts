import { canonicalJson, sha256Hex } from '../../src/domain/canonical-json.ts';
import type { ActionTarget, DryRunResult } from '../../src/ports/cluster-port.ts';
import { ownedPods, pdbFor } from './sandbox-world.ts';
import type { SandboxDeployment, SandboxNamespace, SandboxNode, SandboxPod, SandboxPvc, SandboxWorld } from './sandbox-world.ts';

export type State = DryRunResult['state'];

/** The object an action target names, typed by kind; undefined when it does not exist. */
export type Located =
  | { kind: 'Deployment'; object: SandboxDeployment | undefined }
  | { kind: 'Pod'; object: SandboxPod | undefined }
  | { kind: 'Node'; object: SandboxNode | undefined }
  | { kind: 'PersistentVolumeClaim'; object: SandboxPvc | undefined }
  | { kind: 'Namespace'; object: SandboxNamespace | undefined };

export function locate(world: SandboxWorld, target: ActionTarget): Located {
  const inNamespace = <T extends { namespace: string; name: string }>(list: T[]): T | undefined =>
    list.find((item) => item.namespace === target.namespace && item.name === target.name);
  switch (target.kind) {
    case 'Deployment':
      return { kind: 'Deployment', object: inNamespace(world.deployments) };
    case 'Pod':
      return { kind: 'Pod', object: inNamespace(world.pods) };
    case 'PersistentVolumeClaim':
      return { kind: 'PersistentVolumeClaim', object: inNamespace(world.pvcs) };
    case 'Node':
      return { kind: 'Node', object: world.nodes.find((node) => node.name === target.name) };
    case 'Namespace':
      return { kind: 'Namespace', object: world.namespaces.find((namespace) => namespace.name === target.name) };
  }
}

function sorted(state: State): State {
  const out: State = {};
  for (const key of Object.keys(state).sort()) out[key] = state[key] ?? null;
  return out;
}

/**
 * What the dry-run saw of the target, flat and with sorted keys: identity (uid, resourceVersion) and
 * the figures a signer relied on (replicas, readiness, PDB headroom, mounts). Any change to it voids
 * the signatures bound to the old fingerprint.
 */
export function observeState(world: SandboxWorld, target: ActionTarget): State {
  const base: State = { kind: target.kind, namespace: target.namespace ?? null, name: target.name };
  const found = locate(world, target);
  if (found.object === undefined) return sorted({ ...base, exists: false });
  const identity = { ...base, exists: true, uid: found.object.uid, resourceVersion: found.object.resourceVersion };
  switch (found.kind) {
    case 'Deployment': {
      const deployment = found.object;
      const pdb = pdbFor(world, deployment.namespace, deployment.name);
      return sorted({
        ...identity,
        replicas: deployment.replicas,
        readyReplicas: deployment.readyReplicas,
        revision: deployment.revision,
        // The requests are the pod template's: signers of set_resources saw these.
        cpuCores: deployment.cpuCores,
        memoryGiB: deployment.memoryGiB,
        pdbDisruptionsAllowed: pdb?.disruptionsAllowed ?? null,
      });
    }
    case 'Pod': {
      const pod = found.object;
      const pdb = pdbFor(world, pod.namespace, pod.owner);
      const siblings = pod.owner === null ? [] : ownedPods(world, pod.namespace, pod.owner);
      return sorted({
        ...identity,
        phase: pod.phase,
        ready: pod.ready,
        node: pod.node,
        owner: pod.owner,
        ownerReadyReplicas: pod.owner === null ? null : siblings.filter((sibling) => sibling.ready).length,
        pdbDisruptionsAllowed: pdb?.disruptionsAllowed ?? null,
      });
    }
    case 'Node': {
      const node = found.object;
      return sorted({
        ...identity,
        unschedulable: node.unschedulable,
        pods: world.pods.filter((pod) => pod.node === node.name).length,
      });
    }
    case 'PersistentVolumeClaim': {
      const pvc = found.object;
      return sorted({ ...identity, storageGiB: pvc.storageGiB, mountedBy: [...pvc.mountedBy].sort().join(',') });
    }
    case 'Namespace': {
      const name = found.object.name;
      const count = (list: { namespace: string }[]): number => list.filter((item) => item.namespace === name).length;
      return sorted({
        ...identity,
        deployments: count(world.deployments),
        pods: count(world.pods),
        persistentVolumeClaims: count(world.pvcs),
      });
    }
  }
}

/** sha256 of the canonical state: what a signature is bound to. */
export function fingerprintOf(state: State): string {
  return sha256Hex(canonicalJson(state));
}
