import type { V1Deployment, V1Namespace, V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { canonicalJson, sha256Hex } from '../../src/domain/canonical-json.ts';
import type { DryRunResult, PlannedAction } from '../../src/ports/cluster-port.ts';
import type { ArgoCdClient } from './argocd-client.ts';
import { type ArgoRollbackPlan, argoState, planArgoRollback } from './argocd-rollback.ts';
import { gitOpsKey, gitOpsOwner } from './gitops-owner.ts';
import { callWith, type KubeApis } from './kube-connection.ts';
import { kubeFailure, type KubeFailure } from './kube-failure.ts';
import { selectorQuery } from './label-selector.ts';
import { rollbackTarget, templateHash, type RollbackTarget } from './rollback-target.ts';

/** The target object as read, by kind. */
export type FoundObject =
  | { kind: 'Deployment'; object: V1Deployment }
  | { kind: 'Pod'; object: V1Pod }
  | { kind: 'Node'; object: V1Node }
  | { kind: 'PersistentVolumeClaim'; object: V1PersistentVolumeClaim }
  | { kind: 'Namespace'; object: V1Namespace };

export type State = DryRunResult['state'];

/** What one look at the target gives: the object (null when absent), the fingerprinted state, a rollback's destination. */
export interface Observation {
  found: FoundObject | null;
  state: State;
  fingerprint: string;
  /** For rollback_deployment: where it would go, or why it cannot. */
  rollback?: RollbackTarget | string;
  /** For rollback_deployment of an Argo CD application (when Argo CD is configured): its rollback instead. */
  argo?: ArgoRollbackPlan | string;
}

export type Observed = { ok: true; observation: Observation } | { ok: false; failure: KubeFailure };

export function fingerprintOf(state: State): string {
  return sha256Hex(canonicalJson(state));
}

/** Reads one object; a 404 is "absent", anything else a failure. Rethrows when the signal cut the call off. */
export async function attempt<T>(signal: AbortSignal, call: () => Promise<T>): Promise<{ ok: true; value: T | null } | { ok: false; failure: KubeFailure }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const failure = kubeFailure(error, signal);
    return failure.status === 404 ? { ok: true, value: null } : { ok: false, failure };
  }
}

async function read(apis: KubeApis, planned: PlannedAction, signal: AbortSignal) {
  const { kind, namespace = '', name } = planned.target;
  const options = callWith(signal);
  const wrap = <K extends FoundObject['kind'], T>(found: K, call: () => Promise<T>) =>
    attempt(signal, call).then((result) =>
      result.ok ? { ok: true as const, found: result.value === null ? null : ({ kind: found, object: result.value } as FoundObject) } : result,
    );
  switch (kind) {
    case 'Deployment':
      return wrap(kind, () => apis.apps.readNamespacedDeployment({ name, namespace }, options));
    case 'Pod':
      return wrap(kind, () => apis.core.readNamespacedPod({ name, namespace }, options));
    case 'Node':
      return wrap(kind, () => apis.core.readNode({ name }, options));
    case 'PersistentVolumeClaim':
      return wrap(kind, () => apis.core.readNamespacedPersistentVolumeClaim({ name, namespace }, options));
    case 'Namespace':
      return wrap(kind, () => apis.core.readNamespace({ name }, options));
  }
}

/**
 * What a signature is bound to: the object's identity (uid), its spec generation and the spec fields the action
 * depends on — never resourceVersion or status, which change with every status update of a crash-looping workload.
 */
export function stateOf(found: FoundObject | null, planned: PlannedAction, rollback?: RollbackTarget | string): State {
  if (found === null) return { kind: planned.target.kind, exists: false };
  const meta = found.object.metadata;
  // An evicted pod is replaced by its controller whatever Git says: GitOps only matters for objects it applies.
  const gitops = found.kind === 'Pod' ? null : gitOpsKey(gitOpsOwner(meta ?? {}));
  const common = { kind: found.kind, exists: true, uid: meta?.uid ?? null, generation: meta?.generation ?? null, gitops };
  switch (found.kind) {
    case 'Deployment': {
      const spec = found.object.spec;
      const images = (spec?.template.spec?.containers ?? []).map((container) => `${container.name}=${container.image ?? ''}`).join(',');
      const state: State = { ...common, replicas: spec?.replicas ?? 1, paused: spec?.paused ?? false, template: templateHash(spec?.template), images };
      if (planned.action === 'rollback_deployment' && rollback !== undefined && typeof rollback !== 'string') {
        return { ...state, rollbackRevision: rollback.revision, rollbackTemplate: templateHash(rollback.template) };
      }
      return state;
    }
    case 'Pod': {
      const owner = meta?.ownerReferences?.find((reference) => reference.controller) ?? meta?.ownerReferences?.[0];
      return { ...common, node: found.object.spec?.nodeName ?? null, owner: owner === undefined ? null : `${owner.kind}/${owner.name}` };
    }
    case 'Node':
      return { ...common, unschedulable: found.object.spec?.unschedulable ?? false };
    case 'PersistentVolumeClaim': {
      const spec = found.object.spec;
      return {
        ...common,
        volumeName: spec?.volumeName ?? null,
        storageClass: spec?.storageClassName ?? null,
        requested: spec?.resources?.requests?.['storage'] ?? null,
      };
    }
    case 'Namespace':
      return common;
  }
}

/**
 * Reads the target (and, for a rollback, the deployment's ReplicaSets or, when Argo CD manages it and is configured,
 * the Application) and computes its fingerprinted state.
 */
export async function observeTarget(apis: KubeApis, planned: PlannedAction, signal: AbortSignal, argocd?: ArgoCdClient): Promise<Observed> {
  const result = await read(apis, planned, signal);
  if (!result.ok) return result;
  const { found } = result;
  let rollback: RollbackTarget | string | undefined;
  let argo: ArgoRollbackPlan | string | undefined;
  if (found?.kind === 'Deployment' && planned.action === 'rollback_deployment') {
    const owner = gitOpsOwner(found.object.metadata ?? {});
    if (argocd !== undefined && owner?.tool === 'Argo CD')
      argo = (await planArgoRollback(argocd, owner.name, planned.params['toRevision'], signal)) ?? undefined;
    if (argo === undefined) {
      const labelSelector = selectorQuery(found.object.spec?.selector);
      const sets = await attempt(signal, () =>
        apis.apps.listNamespacedReplicaSet(
          { namespace: planned.target.namespace ?? '', ...(labelSelector !== undefined && { labelSelector }) },
          callWith(signal),
        ),
      );
      if (!sets.ok) return sets;
      rollback = rollbackTarget(found.object, sets.value?.items ?? [], planned.params['toRevision']);
    }
  }
  const state = { ...stateOf(found, planned, rollback), ...(argo !== undefined && typeof argo !== 'string' && argoState(argo)) };
  return {
    ok: true,
    observation: { found, state, fingerprint: fingerprintOf(state), ...(rollback !== undefined && { rollback }), ...(argo !== undefined && { argo }) },
  };
}
