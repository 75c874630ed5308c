import type { DryRunFinding } from '../../src/ports/cluster-port.ts';

/** Labels and annotations of an object, as the API returns them. */
export interface ObjectMarks {
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}

/** A GitOps controller that manages the object, and how it was recognised. */
export interface GitOpsOwner {
  tool: 'Argo CD' | 'Flux';
  /** The Argo CD application, or the Flux Kustomization/HelmRelease as namespace/name. */
  name: string;
  /** The mark that told, e.g. the annotation argocd.argoproj.io/tracking-id. */
  mark: string;
}

/**
 * Who reconciles this object from Git, if anyone: Argo CD's tracking annotation (strong) or instance label
 * (its default tracking; Helm charts set the same label, so it is a hint), Flux's kustomize or helm labels.
 */
export function gitOpsOwner(marks: ObjectMarks): GitOpsOwner | null {
  const labels = marks.labels ?? {};
  const annotations = marks.annotations ?? {};
  const trackingId = annotations['argocd.argoproj.io/tracking-id'];
  // "<app>:<group>/<kind>:<namespace>/<name>"; the app may be "<namespace>_<app>" with apps in any namespace.
  if (trackingId !== undefined) return { tool: 'Argo CD', name: trackingId.split(':')[0] ?? trackingId, mark: 'annotation argocd.argoproj.io/tracking-id' };
  const kustomization = labels['kustomize.toolkit.fluxcd.io/name'];
  if (kustomization !== undefined) {
    return { tool: 'Flux', name: qualified(labels['kustomize.toolkit.fluxcd.io/namespace'], kustomization), mark: 'label kustomize.toolkit.fluxcd.io/name' };
  }
  const release = labels['helm.toolkit.fluxcd.io/name'];
  if (release !== undefined)
    return { tool: 'Flux', name: qualified(labels['helm.toolkit.fluxcd.io/namespace'], release), mark: 'label helm.toolkit.fluxcd.io/name' };
  const instance = labels['app.kubernetes.io/instance'];
  if (instance !== undefined && labels['app.kubernetes.io/managed-by'] !== 'Helm') {
    return { tool: 'Argo CD', name: instance, mark: 'label app.kubernetes.io/instance (Argo CD default tracking)' };
  }
  return null;
}

function qualified(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

/** "argocd:checkout" / "flux:flux-system/apps": kept in the dry-run state, so a change of manager changes the plan. */
export function gitOpsKey(owner: GitOpsOwner | null): string | null {
  return owner === null ? null : `${owner.tool === 'Argo CD' ? 'argocd' : 'flux'}:${owner.name}`;
}

/** The warning a signer reads on the card: a direct change may be reverted by the controller. */
export function gitOpsFinding(owner: GitOpsOwner): DryRunFinding {
  const advice =
    owner.tool === 'Argo CD'
      ? 'with auto-sync and self-heal on, Argo CD reverts a direct change: change it in Git or turn self-heal off first'
      : 'Flux reverts a direct change at its next reconciliation: change it in Git or suspend the Kustomization/HelmRelease first';
  return {
    check: 'gitops',
    ok: true,
    warning: true,
    message: `managed by ${owner.tool} ${owner.tool === 'Argo CD' ? 'application' : 'object'} ${owner.name} (${owner.mark}); ${advice}`,
  };
}
