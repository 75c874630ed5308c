import { validatePlannedAction } from '../../src/actions/action-catalog.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import { type Clock, systemClock } from '../../src/ports/clock.ts';
import type {
  ActionTarget,
  ClusterInventory,
  ClusterPort,
  DryRunResult,
  ExecuteOptions,
  ExecuteResult,
  PlannedAction,
  ReconcileResult,
  WorkloadResources,
} from '../../src/ports/cluster-port.ts';
import { ArgoCdClient, type ArgoCdOptions } from './argocd-client.ts';
import { argoRollbackAnnotation, argoUnreadable, reconcileArgoRollback, writeArgoRollback } from './argocd-rollback.ts';
import { connectKube, type KubeApis, type KubeConnectionOptions } from './kube-connection.ts';
import { clusterErrorOf } from './kube-failure.ts';
import { kubeDryRun } from './kube-dry-run.ts';
import { kubeInventory } from './kube-inventory.ts';
import { kubeReconcile } from './kube-reconcile.ts';
import { NamespaceScope } from './namespace-scope.ts';
import { observeTarget } from './observe-target.ts';
import { workloadResources } from './workload-resources.ts';
import { writeAction } from './write-action.ts';

export interface KubernetesClusterOptions extends KubeConnectionOptions {
  /** AWOOOI_NAMESPACES: where the bot may act; empty = everywhere but the system namespaces. */
  namespaces?: readonly string[];
  /** Argo CD's API: rollbacks of Argo-managed deployments go through it (same approval and TOCTOU rules). */
  argocd?: ArgoCdOptions | undefined;
  clock?: Clock;
}

/**
 * The ClusterPort on a real Kubernetes API server (docs/adr/0020, 0021). Dry-runs read and ask; executions re-read,
 * compare the fingerprint the signers saw, and write as a compare-and-set so that a change in between makes the API
 * server refuse the write (the core then voids the proposal). Every write is stamped with its execution id.
 */
export class KubernetesCluster implements ClusterPort {
  readonly description: string;
  readonly simulated = false;
  readonly scope: NamespaceScope;
  readonly #apis: KubeApis;
  readonly #clock: Clock;
  readonly #argocd: ArgoCdClient | undefined;

  constructor(options: KubernetesClusterOptions) {
    this.#apis = connectKube(options);
    this.#argocd = options.argocd === undefined ? undefined : new ArgoCdClient(options.argocd);
    this.#clock = options.clock ?? systemClock;
    this.scope = new NamespaceScope(options.namespaces ?? []);
    const argo = options.argocd === undefined ? '' : `; Argo CD ${options.argocd.url}`;
    this.description = `kubernetes (${this.#apis.where}; namespaces: ${this.scope.describe()}${argo})`;
  }

  /** The API clients, for `cluster check` and topology discovery. */
  get apis(): KubeApis {
    return this.#apis;
  }

  dryRun(action: PlannedAction, options: CallOptions): Promise<DryRunResult> {
    return kubeDryRun(this.#apis, this.scope, action, options.signal, this.#clock.now(), this.#argocd);
  }

  async execute(action: PlannedAction, options: ExecuteOptions): Promise<ExecuteResult> {
    const validated = validatePlannedAction(action);
    if (!validated.ok) return { ok: false, error: { code: 'invalid', message: validated.error.message, retryable: false } };
    const planned = validated.action;
    const outside = this.scope.refusal(planned.target);
    if (outside !== null) return { ok: false, error: { code: 'forbidden', message: outside, retryable: false } };
    const { signal } = options;
    const before = await observeTarget(this.#apis, planned, signal, this.#argocd);
    if (!before.ok) return { ok: false, error: clusterErrorOf(before.failure, `read ${planned.target.kind} ${planned.target.name}`) };
    const { found, fingerprint, rollback, argo } = before.observation;
    if (found === null)
      return { ok: false, error: { code: 'not_found', message: `${planned.target.kind} ${planned.target.name} not found`, retryable: false } };
    // Argo CD not answering is no change of the world: nothing is written, and the proposal is not voided for it.
    if (typeof argo === 'string' && argo.startsWith(argoUnreadable)) return { ok: false, error: { code: 'unavailable', message: argo, retryable: true } };
    if (fingerprint !== options.expectedFingerprint) {
      return {
        ok: false,
        error: { code: 'state_changed', message: `${planned.target.kind} ${planned.target.name} changed since the dry-run`, retryable: false },
      };
    }
    if (typeof rollback === 'string' || typeof argo === 'string')
      return { ok: false, error: { code: 'invalid', message: String(rollback ?? argo), retryable: false } };
    const written =
      typeof argo === 'object' && found.kind === 'Deployment' && this.#argocd !== undefined
        ? await writeArgoRollback(this.#apis, this.#argocd, found.object, argo, { executionId: options.executionId, dryRun: false, signal })
        : await writeAction(this.#apis, planned, found, rollback, {
            executionId: options.executionId,
            dryRun: false,
            signal,
            now: this.#clock.now(),
          });
    if (!written.ok) return written;
    const after = await observeTarget(this.#apis, planned, signal, this.#argocd).catch(() => undefined);
    return { ok: true, message: written.message, state: after?.ok ? after.observation.state : before.observation.state };
  }

  async reconcile(action: PlannedAction, executionId: string, options: CallOptions): Promise<ReconcileResult> {
    const found = await kubeReconcile(this.#apis, action, executionId, options.signal);
    if (found !== 'applied' || action.action !== 'rollback_deployment' || this.#argocd === undefined) return found;
    // Stamped: for a rollback through Argo CD, applied only once the application runs the stamped revision.
    const observed = await observeTarget(this.#apis, { ...action, action: 'restart_deployment', params: {} }, options.signal);
    if (!observed.ok || observed.observation.found?.kind !== 'Deployment') return 'unknown';
    const deployment = observed.observation.found.object;
    if (deployment.metadata?.annotations?.[argoRollbackAnnotation] === undefined) return found;
    return reconcileArgoRollback(this.#argocd, deployment, executionId, options.signal);
  }

  workloadResources(target: ActionTarget, options: CallOptions): Promise<WorkloadResources | null> {
    return workloadResources(this.#apis, target, options.signal);
  }

  inventory(options: CallOptions): Promise<ClusterInventory> {
    return kubeInventory(this.#apis, this.scope, options.signal);
  }
}
