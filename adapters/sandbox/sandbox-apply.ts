import { type ResourceParams, resourcesText } from '../../src/actions/resource-quantity.ts';
import type { ClusterError, PlannedAction } from '../../src/ports/cluster-port.ts';
import { rollbackRevision } from './sandbox-dry-run.ts';
import { converge } from './sandbox-controllers.ts';
import { applyResources, resourcesAfter } from './sandbox-resources.ts';
import { locate } from './sandbox-state.ts';
import { EXECUTION_ANNOTATION, RESTARTED_AT_ANNOTATION, meta, nextNamePart, ownedPods, pdbFor, touch } from './sandbox-world.ts';
import type { SandboxDeployment, SandboxMeta, SandboxPod, SandboxWorld } from './sandbox-world.ts';

export type ApplyResult = { ok: true; message: string } | { ok: false; error: ClusterError };

function refuse(code: ClusterError['code'], message: string, retryable = false): ApplyResult {
  return { ok: false, error: { code, message, retryable } };
}

function stamp(world: SandboxWorld, object: SandboxMeta, executionId: string): void {
  object.annotations = { ...object.annotations, [EXECUTION_ANNOTATION]: executionId };
  touch(world, object);
}

/** Deleted objects keep a tombstone naming the execution that deleted them, for reconcile. */
function bury(world: SandboxWorld, kind: string, namespace: string | null, name: string, uid: string, executionId: string): void {
  world.tombstones.push({ kind, namespace, name, uid, executionId });
}

/** A new pod template: new hash, so every pod is replaced (what a template change does). */
function rollPods(world: SandboxWorld, deployment: SandboxDeployment): number {
  deployment.podTemplateHash = nextNamePart(world, 10);
  world.pods = world.pods.filter((pod) => !(pod.namespace === deployment.namespace && pod.owner === deployment.name));
  converge(world);
  return ownedPods(world, deployment.namespace, deployment.name).length;
}

function applyToDeployment(world: SandboxWorld, planned: PlannedAction, deployment: SandboxDeployment, executionId: string, now: Date): ApplyResult {
  const name = `${deployment.namespace}/${deployment.name}`;
  switch (planned.action) {
    case 'restart_deployment': {
      deployment.annotations = { ...deployment.annotations, [RESTARTED_AT_ANNOTATION]: now.toISOString() };
      stamp(world, deployment, executionId);
      return { ok: true, message: `restarted deployment ${name}: ${rollPods(world, deployment)} new pods` };
    }
    case 'scale_deployment': {
      const from = deployment.replicas;
      deployment.replicas = Number(planned.params['replicas']);
      stamp(world, deployment, executionId);
      converge(world);
      return { ok: true, message: `scaled deployment ${name} from ${from} to ${deployment.replicas} replicas` };
    }
    case 'set_resources': {
      const after = resourcesAfter(deployment, planned.params as ResourceParams);
      if (typeof after === 'string') return refuse('invalid', after);
      applyResources(deployment, after);
      stamp(world, deployment, executionId);
      const { container, requests } = planned.params as ResourceParams;
      return {
        ok: true,
        message: `set requests of container ${container} in deployment ${name} to ${resourcesText(requests)}: ${rollPods(world, deployment)} new pods`,
      };
    }
    case 'rollback_deployment': {
      const target = rollbackRevision(deployment, planned.params['toRevision']);
      if (typeof target === 'string') return refuse('invalid', target);
      // As Kubernetes does: the old template comes back under a new, highest revision number.
      const highest = Math.max(deployment.revision, ...deployment.history.map((entry) => entry.revision));
      deployment.history = [
        ...deployment.history.filter((entry) => entry.revision !== target.revision),
        { revision: deployment.revision, image: deployment.image },
      ];
      deployment.revision = highest + 1;
      deployment.image = target.image;
      stamp(world, deployment, executionId);
      const pods = rollPods(world, deployment);
      return { ok: true, message: `rolled back deployment ${name} to ${target.image} (revision ${deployment.revision}): ${pods} new pods` };
    }
    default:
      return refuse('invalid', `${planned.action} does not act on a Deployment`);
  }
}

function evict(world: SandboxWorld, pod: SandboxPod, executionId: string): ApplyResult {
  const pdb = pdbFor(world, pod.namespace, pod.owner);
  if (pdb !== undefined && pdb.disruptionsAllowed === 0) {
    // The Eviction API's 429: worth retrying once the budget has headroom again.
    return refuse('blocked', `Cannot evict pod as it would violate the pod's disruption budget ${pdb.name}`, true);
  }
  world.pods = world.pods.filter((other) => other !== pod);
  bury(world, 'Pod', pod.namespace, pod.name, pod.uid, executionId);
  if (pod.ownerKind === 'StatefulSet') {
    world.pods.push({ ...pod, ...meta(world), phase: 'Running', ready: true, restarts: 0, reason: null });
  }
  converge(world);
  return { ok: true, message: `evicted pod ${pod.namespace}/${pod.name}` };
}

/**
 * Applies a validated, permitted action whose fingerprint was just checked. Still refuses what the
 * API server would refuse (a PDB with no headroom, a mounted PVC, a missing revision).
 */
export function applyAction(world: SandboxWorld, planned: PlannedAction, executionId: string, now: Date): ApplyResult {
  const found = locate(world, planned.target);
  if (found.object === undefined) return refuse('not_found', `${planned.target.kind} ${planned.target.name} not found`);
  let result: ApplyResult;
  switch (found.kind) {
    case 'Deployment':
      result = applyToDeployment(world, planned, found.object, executionId, now);
      break;
    case 'Pod':
      result = evict(world, found.object, executionId);
      break;
    case 'Node': {
      found.object.unschedulable = true;
      stamp(world, found.object, executionId);
      result = { ok: true, message: `cordoned node ${planned.target.name}` };
      break;
    }
    case 'PersistentVolumeClaim': {
      const pvc = found.object;
      if (pvc.mountedBy.length > 0) {
        result = refuse('blocked', `PVC ${pvc.namespace}/${pvc.name} is mounted by ${pvc.mountedBy.join(', ')}`);
        break;
      }
      world.pvcs = world.pvcs.filter((other) => other !== pvc);
      bury(world, 'PersistentVolumeClaim', pvc.namespace, pvc.name, pvc.uid, executionId);
      result = { ok: true, message: `deleted PVC ${pvc.namespace}/${pvc.name}` };
      break;
    }
    case 'Namespace': {
      const namespace = found.object;
      const outside = <T extends { namespace: string }>(list: T[]): T[] => list.filter((item) => item.namespace !== namespace.name);
      world.namespaces = world.namespaces.filter((other) => other !== namespace);
      world.deployments = outside(world.deployments);
      world.pods = outside(world.pods);
      world.pdbs = outside(world.pdbs);
      world.pvcs = outside(world.pvcs);
      bury(world, 'Namespace', null, namespace.name, namespace.uid, executionId);
      result = { ok: true, message: `deleted namespace ${namespace.name}` };
      break;
    }
  }
  if (result.ok) world.executions[executionId] = (world.executions[executionId] ?? 0) + 1;
  return result;
}
