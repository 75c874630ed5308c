import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { canonicalJson, sha256Hex } from '../../src/domain/canonical-json.ts';

const revisionAnnotation = 'deployment.kubernetes.io/revision';

/** Where a rollback goes: an earlier ReplicaSet's pod template, under its revision number. */
export interface RollbackTarget {
  revision: number;
  replicaSet: string;
  /** The template as the deployment will carry it (without the ReplicaSet's pod-template-hash label). */
  template: V1PodTemplateSpec;
}

/** Short hash of a pod template: the fingerprint's stand-in for "what the pods run". */
export function templateHash(template: V1PodTemplateSpec | undefined): string {
  return sha256Hex(canonicalJson(template ?? null)).slice(0, 16);
}

export function revisionOf(object: { metadata?: { annotations?: Record<string, string> } }): number | null {
  const value = Number(object.metadata?.annotations?.[revisionAnnotation]);
  return Number.isInteger(value) && value > 0 ? value : null;
}

/** A ReplicaSet's template as its deployment had it: the controller adds pod-template-hash, kubectl rollout undo removes it. */
function withoutHashLabel(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const copy = structuredClone(template ?? {}) as V1PodTemplateSpec;
  if (copy.metadata?.labels !== undefined) {
    const { 'pod-template-hash': _hash, ...labels } = copy.metadata.labels;
    copy.metadata.labels = labels;
  }
  return copy;
}

/**
 * The ReplicaSet a rollback goes to, as `kubectl rollout undo` picks it: the given revision, or the highest below the
 * current one; only ReplicaSets the deployment owns; refused when its template is already the current one.
 */
export function rollbackTarget(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[], toRevision: unknown): RollbackTarget | string {
  const name = deployment.metadata?.name ?? '';
  const uid = deployment.metadata?.uid;
  const current = revisionOf(deployment);
  const owned = replicaSets
    .filter((set) => set.metadata?.ownerReferences?.some((owner) => owner.uid === uid && owner.kind === 'Deployment'))
    .map((set) => ({ set, revision: revisionOf(set) }))
    .filter((entry): entry is { set: V1ReplicaSet; revision: number } => entry.revision !== null)
    .sort((a, b) => b.revision - a.revision);
  const earlier = owned.filter((entry) => entry.revision !== current);
  if (earlier.length === 0) return `deployment ${name} has no earlier revision to roll back to`;
  const chosen =
    toRevision === undefined ? earlier.find((entry) => current === null || entry.revision < current) : owned.find((entry) => entry.revision === toRevision);
  if (chosen === undefined) {
    const available = earlier.map((entry) => entry.revision).join(', ');
    return toRevision === undefined
      ? `deployment ${name} has no revision below ${String(current)}`
      : `revision ${String(toRevision)} not found in the history of ${name} (available: ${available})`;
  }
  const template = withoutHashLabel(chosen.set.spec?.template);
  if (templateHash(template) === templateHash(deployment.spec?.template)) {
    return `revision ${chosen.revision} of ${name} has the template it runs now: nothing to roll back`;
  }
  return { revision: chosen.revision, replicaSet: chosen.set.metadata?.name ?? '', template };
}
