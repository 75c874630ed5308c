import type { V1Deployment } from '@kubernetes/client-node';
import type { ClusterError, DryRunFinding, ReconcileResult } from '../../src/ports/cluster-port.ts';
import type { ArgoCdClient } from './argocd-client.ts';
import { jsonPatchWith, type KubeApis } from './kube-connection.ts';
import { clusterErrorOf, kubeFailure } from './kube-failure.ts';
import { executionAnnotation, guardOperations, type JsonPatchOperation, type WriteResult } from './write-action.ts';

/** Which Argo CD rollback an execution made: kept on the deployment beside the execution id, for `reconcile`. */
export const argoRollbackAnnotation = 'awoooi.io/argocd-rollback';

/** How a plan that failed because Argo CD could not be read begins: unavailable (retryable), not a refusal. */
export const argoUnreadable = 'could not read Argo CD application';

/** A rollback through Argo CD: the application, the history id to go back to and its Git revision. */
export interface ArgoRollbackPlan {
  app: string;
  historyId: number;
  revision: string;
  /** The revision the application is synced to now. */
  current: string | null;
  /** Auto-sync on: Argo CD refuses a rollback. */
  automated: boolean;
}

/**
 * The history entry a rollback of `app` goes to: `toRevision` names an Argo CD history id; without it, the latest
 * entry whose revision is not the current one. `null` when Argo CD does not know the application (not Argo-managed
 * after all: the deployment is rolled back directly). A string says why there is no rollback.
 */
export async function planArgoRollback(argocd: ArgoCdClient, app: string, toRevision: unknown, signal: AbortSignal): Promise<ArgoRollbackPlan | string | null> {
  const read = await argocd.application(app, signal);
  if (!read.ok) return read.status === 404 ? null : `${argoUnreadable} ${app}: ${read.message}`;
  const application = read.value;
  const current = application.status?.sync?.revision ?? null;
  const history = [...(application.status?.history ?? [])].sort((a, b) => a.id - b.id);
  const entry =
    toRevision === undefined
      ? history.findLast((candidate) => candidate.revision !== undefined && candidate.revision !== current)
      : history.find((candidate) => candidate.id === toRevision);
  if (entry === undefined) {
    const ids = history.map((candidate) => candidate.id).join(', ') || 'none';
    return toRevision === undefined
      ? `Argo CD application ${app} has no earlier revision in its history to roll back to`
      : `history id ${String(toRevision)} not found in Argo CD application ${app} (ids: ${ids})`;
  }
  const automated = application.spec.syncPolicy?.automated !== undefined && application.spec.syncPolicy?.automated !== null;
  return { app, historyId: entry.id, revision: entry.revision ?? '', current, automated };
}

/** What a signature binds of an Argo CD rollback: where it goes, from where, and whether auto-sync is on. */
export function argoState(plan: ArgoRollbackPlan) {
  return { argocdApp: plan.app, argocdRollbackTo: plan.historyId, argocdRevision: plan.revision, argocdCurrent: plan.current, argocdAutomated: plan.automated };
}

export function argoFindings(plan: ArgoRollbackPlan): DryRunFinding[] {
  const route: DryRunFinding = {
    check: 'gitops',
    ok: true,
    message: `rollback goes through Argo CD: application ${plan.app} back to history id ${plan.historyId} (revision ${plan.revision.slice(0, 12)}), not by patching the deployment`,
  };
  if (!plan.automated) return [route];
  return [
    route,
    {
      check: 'parameters',
      ok: false,
      message: `Argo CD refuses a rollback while auto-sync is on for application ${plan.app}: turn auto-sync off first, and on again once Git is fixed`,
    },
  ];
}

/**
 * Stamps the deployment (a guarded JSON patch: uid and generation as signed) with the execution id and the rollback,
 * then asks Argo CD to roll the application back. With `dryRun` both carry their dry-run flag.
 */
export async function writeArgoRollback(
  apis: KubeApis,
  argocd: ArgoCdClient,
  deployment: V1Deployment,
  plan: ArgoRollbackPlan,
  options: { executionId: string; dryRun: boolean; signal: AbortSignal },
): Promise<WriteResult> {
  const { signal } = options;
  const name = deployment.metadata?.name ?? '';
  const namespace = deployment.metadata?.namespace ?? '';
  const marks = { [executionAnnotation]: options.executionId, [argoRollbackAnnotation]: `${plan.app}@${plan.historyId}@${plan.revision}` };
  const annotations = deployment.metadata?.annotations;
  const body: JsonPatchOperation[] = [
    ...guardOperations(deployment.metadata),
    ...(annotations === undefined
      ? [{ op: 'add' as const, path: '/metadata/annotations', value: marks }]
      : Object.entries(marks).map(([key, value]) => ({ op: 'add' as const, path: `/metadata/annotations/${key.replaceAll('/', '~1')}`, value }))),
  ];
  try {
    await apis.apps.patchNamespacedDeployment(
      { name, namespace, body, fieldManager: 'awoooi', ...(options.dryRun && { dryRun: 'All' }) },
      jsonPatchWith(signal),
    );
  } catch (error) {
    return { ok: false, error: clusterErrorOf(kubeFailure(error, signal), `annotate deployment ${namespace}/${name}`) };
  }
  if (!options.dryRun) {
    // The deployment's guard held; the application is read again right before the call, so that a sync, a history
    // change or auto-sync switched on since the plan voids it instead of rolling back what nobody signed (ADR 0033).
    const changed = await argoPlanChanged(argocd, plan, signal);
    if (changed !== null) return { ok: false, error: changed };
  }
  const rolled = await argocd.rollback(plan.app, plan.historyId, options.dryRun, signal);
  if (!rolled.ok) return { ok: false, error: argoError(rolled.status, rolled.message) };
  return {
    ok: true,
    message: `rolled back Argo CD application ${plan.app} to history id ${plan.historyId} (revision ${plan.revision.slice(0, 12)}) for deployment ${namespace}/${name}`,
  };
}

/** Null when the application is still as planned; else why not: `state_changed`, or `unavailable` when unreadable. */
async function argoPlanChanged(argocd: ArgoCdClient, plan: ArgoRollbackPlan, signal: AbortSignal): Promise<ClusterError | null> {
  const read = await argocd.application(plan.app, signal);
  if (!read.ok) return argoError(read.status, `${argoUnreadable} ${plan.app}: ${read.message}`);
  const application = read.value;
  const entry = application.status?.history?.find((candidate) => candidate.id === plan.historyId);
  const now = {
    current: application.status?.sync?.revision ?? null,
    automated: application.spec.syncPolicy?.automated !== undefined && application.spec.syncPolicy?.automated !== null,
    revision: entry?.revision ?? null,
  };
  const differs = [
    ...(now.current === plan.current ? [] : ['synced revision']),
    ...(now.automated === plan.automated ? [] : ['auto-sync']),
    ...(now.revision === plan.revision ? [] : [`history id ${plan.historyId}`]),
  ];
  if (differs.length === 0) return null;
  return {
    code: 'state_changed',
    message: `Argo CD application ${plan.app} changed since the dry-run (${differs.join(', ')}); not rolled back`,
    retryable: false,
  };
}

function argoError(status: number | null, message: string): ClusterError {
  if (status === null || status >= 500) return { code: 'unavailable', message, retryable: true };
  if (status === 401 || status === 403) return { code: 'forbidden', message, retryable: false };
  if (status === 404) return { code: 'not_found', message, retryable: false };
  return { code: 'invalid', message, retryable: false };
}

/** Applied when the deployment carries this execution's stamp and the application is synced to the stamped revision. */
export async function reconcileArgoRollback(
  argocd: ArgoCdClient,
  deployment: V1Deployment,
  executionId: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const annotations = deployment.metadata?.annotations ?? {};
  if (annotations[executionAnnotation] !== executionId) return 'not_applied';
  const [app, , revision] = (annotations[argoRollbackAnnotation] ?? '').split('@');
  if (app === undefined || revision === undefined) return 'unknown';
  const read = await argocd.application(app, signal);
  if (!read.ok) return 'unknown';
  if (read.value.status?.sync?.revision === revision) return 'applied';
  return read.value.status?.operationState?.phase === 'Running' ? 'unknown' : 'not_applied';
}
