import type { PlannedAction, ReconcileResult } from '../../src/ports/cluster-port.ts';
import type { KubeApis } from './kube-connection.ts';
import { observeTarget } from './observe-target.ts';
import { executionAnnotation } from './write-action.ts';

const deletes: ReadonlySet<PlannedAction['action']> = new Set(['evict_pod', 'delete_pvc', 'delete_namespace']);

/**
 * Did execution `executionId` take effect? Patches carry its annotation on the object. Deletes stamp the object
 * before deleting it: gone, or Terminating with the stamp, is applied; present with the stamp and no deletion is not.
 * A StatefulSet's pod comes back under the same name without the stamp: that cannot be told apart, so unknown.
 */
export async function kubeReconcile(apis: KubeApis, planned: PlannedAction, executionId: string, signal: AbortSignal): Promise<ReconcileResult> {
  const observed = await observeTarget(apis, planned, signal);
  if (!observed.ok) return 'unknown';
  const { found } = observed.observation;
  const stamped = found?.object.metadata?.annotations?.[executionAnnotation] === executionId;
  if (!deletes.has(planned.action)) {
    if (found === null) return 'unknown';
    return stamped ? 'applied' : 'not_applied';
  }
  if (found === null) return 'applied';
  if (stamped) return found.object.metadata?.deletionTimestamp !== undefined ? 'applied' : 'not_applied';
  const owner = found.kind === 'Pod' ? found.object.metadata?.ownerReferences?.find((reference) => reference.controller) : undefined;
  return owner?.kind === 'StatefulSet' ? 'unknown' : 'not_applied';
}
