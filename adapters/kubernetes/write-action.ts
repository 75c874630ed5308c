import type { V1ObjectMeta } from '@kubernetes/client-node';
import { type ResourceParams, resourcesText } from '../../src/actions/resource-quantity.ts';
import type { ClusterError, PlannedAction } from '../../src/ports/cluster-port.ts';
import { callWith, jsonPatchWith, type KubeApis } from './kube-connection.ts';
import { clusterErrorOf, kubeFailure, type KubeFailure } from './kube-failure.ts';
import type { FoundObject } from './observe-target.ts';
import { resourcesOperations } from './resources-patch.ts';
import type { RollbackTarget } from './rollback-target.ts';

/** The annotation every write leaves on its object: which execution made it (for `reconcile` after a crash). */
export const executionAnnotation = 'awoooi.io/execution-id';
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

/** One RFC 6902 operation. */
export type JsonPatchOperation = { op: 'test' | 'add' | 'replace'; path: string; value: unknown };

export type WriteResult = { ok: true; message: string } | { ok: false; error: ClusterError };

export interface WriteOptions {
  executionId: string;
  /** Server-side dry-run (`dryRun=All`): admission and validation run, nothing is persisted. */
  dryRun: boolean;
  signal: AbortSignal;
  now: Date;
}

/** RFC 6901: "~" and "/" inside a key. */
function pointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The compare-and-set part of every patch: the write applies only to the same object (uid) at the same spec
 * generation the dry-run saw; otherwise the API server answers 422 and changes nothing.
 */
export function guardOperations(meta: V1ObjectMeta | undefined): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [{ op: 'test', path: '/metadata/uid', value: meta?.uid }];
  if (meta?.generation !== undefined) operations.push({ op: 'test', path: '/metadata/generation', value: meta.generation });
  return operations;
}

/** Adds an annotation, creating the map when the object has none (a JSON patch cannot add below a missing parent). */
function annotate(base: string, existing: Record<string, string> | undefined, key: string, value: string): JsonPatchOperation {
  return existing === undefined ? { op: 'add', path: base, value: { [key]: value } } : { op: 'add', path: `${base}/${pointer(key)}`, value };
}

function stamp(meta: V1ObjectMeta | undefined, executionId: string): JsonPatchOperation {
  return annotate('/metadata/annotations', meta?.annotations, executionAnnotation, executionId);
}

/** The JSON patch of a deployment action: guard, change, stamp. */
export function deploymentPatch(
  planned: PlannedAction,
  found: Extract<FoundObject, { kind: 'Deployment' }>,
  rollback: RollbackTarget | undefined,
  options: WriteOptions,
): JsonPatchOperation[] | string {
  const deployment = found.object;
  const operations = guardOperations(deployment.metadata);
  if (planned.action === 'restart_deployment') {
    operations.push(
      annotate('/spec/template/metadata/annotations', deployment.spec?.template.metadata?.annotations, restartedAtAnnotation, options.now.toISOString()),
    );
  } else if (planned.action === 'scale_deployment') {
    operations.push({ op: 'add', path: '/spec/replicas', value: planned.params['replicas'] });
  } else if (planned.action === 'set_resources') {
    const change = resourcesOperations(deployment, planned.params as ResourceParams);
    // The dry-run refused this already; an execution that gets here anyway writes nothing.
    if (typeof change === 'string') return change;
    operations.push(...change);
  } else if (planned.action === 'rollback_deployment' && rollback !== undefined) {
    operations.push({ op: 'replace', path: '/spec/template', value: rollback.template });
  }
  operations.push(stamp(deployment.metadata, options.executionId));
  return operations;
}

function where(planned: PlannedAction): string {
  const { namespace, name } = planned.target;
  return namespace === undefined ? name : `${namespace}/${name}`;
}

/** The PDB named in an Eviction 429 ("The disruption budget api-pdb needs 2 healthy pods…"). */
export function blockingBudget(failure: KubeFailure): string | null {
  for (const text of [...failure.causes, failure.message]) {
    const match = /disruption budget ([a-z0-9.-]+)/i.exec(text);
    if (match?.[1] !== undefined) return match[1].replace(/\.$/, '');
  }
  return null;
}

/** The Eviction API's answers that are not "the state changed": a PDB without headroom, several PDBs, the rest. */
export function evictionError(failure: KubeFailure, planned: PlannedAction, knownBudget: string | null): ClusterError {
  if (failure.status === 429) {
    const budget = blockingBudget(failure) ?? knownBudget ?? 'unknown';
    // Worth asking again once the budget has headroom; never retried blindly (a new proposal is made).
    return { code: 'blocked', message: `blocked by PodDisruptionBudget ${budget}: ${failure.message}`, retryable: true };
  }
  if (failure.status === 500 && /more than one PodDisruptionBudget/i.test(failure.message)) {
    return {
      code: 'invalid',
      message: `configuration error: pod ${where(planned)} is covered by more than one PodDisruptionBudget, which the Eviction API refuses; fix the PDBs`,
      retryable: false,
    };
  }
  return clusterErrorOf(failure, `evict pod ${where(planned)}`);
}

async function run(
  signal: AbortSignal,
  what: string,
  call: () => Promise<unknown>,
): Promise<{ ok: true } | { ok: false; error: ClusterError; failure: KubeFailure }> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    const failure = kubeFailure(error, signal);
    return { ok: false, error: clusterErrorOf(failure, what), failure };
  }
}

/**
 * Makes the action's write, as a compare-and-set against what was read: JSON patches guarded by `test` operations on
 * uid and generation; deletes and evictions first stamp the object (same guard), then delete with a uid precondition.
 * With `dryRun` the same requests carry `dryRun=All`.
 */
export async function writeAction(
  apis: KubeApis,
  planned: PlannedAction,
  found: FoundObject,
  rollback: RollbackTarget | undefined,
  options: WriteOptions,
): Promise<WriteResult> {
  const { name, namespace = '' } = planned.target;
  const { signal } = options;
  const dryRun = options.dryRun ? 'All' : undefined;
  const common = { fieldManager: 'awoooi', ...(dryRun !== undefined && { dryRun }) };
  const label = where(planned);
  switch (found.kind) {
    case 'Deployment': {
      const body = deploymentPatch(planned, found, rollback, options);
      if (typeof body === 'string') return { ok: false, error: { code: 'invalid', message: body, retryable: false } };
      const done = await run(signal, `patch deployment ${label}`, () =>
        apis.apps.patchNamespacedDeployment({ name, namespace, body, ...common }, jsonPatchWith(signal)),
      );
      if (!done.ok) return done;
      const deployment = found.object;
      if (planned.action === 'scale_deployment') {
        return { ok: true, message: `scaled deployment ${label} from ${deployment.spec?.replicas ?? 1} to ${String(planned.params['replicas'])} replicas` };
      }
      if (planned.action === 'set_resources') {
        const { container, requests } = planned.params as ResourceParams;
        return { ok: true, message: `set requests of container ${container} in deployment ${label} to ${resourcesText(requests)} (pods replaced, rolling)` };
      }
      if (planned.action === 'rollback_deployment' && rollback !== undefined) {
        const images = (rollback.template.spec?.containers ?? []).map((container) => container.image).join(', ');
        return { ok: true, message: `rolled back deployment ${label} to revision ${rollback.revision} (${images})` };
      }
      return { ok: true, message: `restarted deployment ${label} (rollout restart, ${deployment.spec?.replicas ?? 1} pods replaced one by one)` };
    }
    case 'Node': {
      const node = found.object;
      const body: JsonPatchOperation[] = guardOperations(node.metadata);
      if (node.spec?.unschedulable !== undefined) body.push({ op: 'test', path: '/spec/unschedulable', value: node.spec.unschedulable });
      body.push({ op: 'add', path: '/spec/unschedulable', value: true }, stamp(node.metadata, options.executionId));
      const done = await run(signal, `cordon node ${label}`, () => apis.core.patchNode({ name, body, ...common }, jsonPatchWith(signal)));
      return done.ok ? { ok: true, message: `cordoned node ${label}` } : done;
    }
    case 'Pod': {
      const pod = found.object;
      const body = [...guardOperations(pod.metadata), stamp(pod.metadata, options.executionId)];
      const stamped = await run(signal, `annotate pod ${label}`, () =>
        apis.core.patchNamespacedPod({ name, namespace, body, ...common }, jsonPatchWith(signal)),
      );
      if (!stamped.ok) return stamped;
      const eviction = {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace },
        deleteOptions: { preconditions: { uid: pod.metadata?.uid ?? '' }, ...(dryRun !== undefined && { dryRun: [dryRun] }) },
      };
      try {
        await apis.core.createNamespacedPodEviction({ name, namespace, body: eviction, ...(dryRun !== undefined && { dryRun }) }, callWith(signal));
      } catch (error) {
        const failure = kubeFailure(error, signal);
        return { ok: false, error: evictionError(failure, planned, null) };
      }
      return { ok: true, message: `evicted pod ${label} through the Eviction API` };
    }
    case 'PersistentVolumeClaim': {
      const claim = found.object;
      const body = [...guardOperations(claim.metadata), stamp(claim.metadata, options.executionId)];
      const stamped = await run(signal, `annotate PVC ${label}`, () =>
        apis.core.patchNamespacedPersistentVolumeClaim({ name, namespace, body, ...common }, jsonPatchWith(signal)),
      );
      if (!stamped.ok) return stamped;
      const preconditions = { uid: claim.metadata?.uid ?? '' };
      const deleted = await run(signal, `delete PVC ${label}`, () =>
        apis.core.deleteNamespacedPersistentVolumeClaim(
          { name, namespace, body: { preconditions, ...(dryRun !== undefined && { dryRun: [dryRun] }) }, ...(dryRun !== undefined && { dryRun }) },
          callWith(signal),
        ),
      );
      return deleted.ok ? { ok: true, message: `deleted PVC ${label}` } : deleted;
    }
    case 'Namespace': {
      const space = found.object;
      const body = [...guardOperations(space.metadata), stamp(space.metadata, options.executionId)];
      const stamped = await run(signal, `annotate namespace ${label}`, () => apis.core.patchNamespace({ name, body, ...common }, jsonPatchWith(signal)));
      if (!stamped.ok) return stamped;
      const preconditions = { uid: space.metadata?.uid ?? '' };
      const deleted = await run(signal, `delete namespace ${label}`, () =>
        apis.core.deleteNamespace(
          { name, body: { preconditions, ...(dryRun !== undefined && { dryRun: [dryRun] }) }, ...(dryRun !== undefined && { dryRun }) },
          callWith(signal),
        ),
      );
      return deleted.ok ? { ok: true, message: `deleted namespace ${label} (its objects go with it)` } : deleted;
    }
  }
}
