import { validatePlannedAction } from '../../src/actions/action-catalog.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import { type Clock, systemClock } from '../../src/ports/clock.ts';
import type {
  ActionTarget,
  ClusterPort,
  DryRunResult,
  ExecuteOptions,
  ExecuteResult,
  PlannedAction,
  ReconcileResult,
  WorkloadResources,
} from '../../src/ports/cluster-port.ts';
import { connectKube, type KubeApis, type KubeConnectionOptions } from './kube-connection.ts';
import { clusterErrorOf } from './kube-failure.ts';
import { kubeDryRun } from './kube-dry-run.ts';
import { kubeReconcile } from './kube-reconcile.ts';
import { NamespaceScope } from './namespace-scope.ts';
import { observeTarget } from './observe-target.ts';
import { workloadResources } from './workload-resources.ts';
import { writeAction } from './write-action.ts';

export interface KubernetesClusterOptions extends KubeConnectionOptions {
  /** AWOOOI_NAMESPACES: where the bot may act; empty = everywhere but the system namespaces. */
  namespaces?: readonly string[];
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

  constructor(options: KubernetesClusterOptions) {
    this.#apis = connectKube(options);
    this.#clock = options.clock ?? systemClock;
    this.scope = new NamespaceScope(options.namespaces ?? []);
    this.description = `kubernetes (${this.#apis.where}; namespaces: ${this.scope.describe()})`;
  }

  /** The API clients, for `cluster check` and topology discovery. */
  get apis(): KubeApis {
    return this.#apis;
  }

  dryRun(action: PlannedAction, options: CallOptions): Promise<DryRunResult> {
    return kubeDryRun(this.#apis, this.scope, action, options.signal, this.#clock.now());
  }

  async execute(action: PlannedAction, options: ExecuteOptions): Promise<ExecuteResult> {
    const validated = validatePlannedAction(action);
    if (!validated.ok) return { ok: false, error: { code: 'invalid', message: validated.error.message, retryable: false } };
    const planned = validated.action;
    const outside = this.scope.refusal(planned.target);
    if (outside !== null) return { ok: false, error: { code: 'forbidden', message: outside, retryable: false } };
    const { signal } = options;
    const before = await observeTarget(this.#apis, planned, signal);
    if (!before.ok) return { ok: false, error: clusterErrorOf(before.failure, `read ${planned.target.kind} ${planned.target.name}`) };
    const { found, fingerprint, rollback } = before.observation;
    if (found === null)
      return { ok: false, error: { code: 'not_found', message: `${planned.target.kind} ${planned.target.name} not found`, retryable: false } };
    if (fingerprint !== options.expectedFingerprint) {
      return {
        ok: false,
        error: { code: 'state_changed', message: `${planned.target.kind} ${planned.target.name} changed since the dry-run`, retryable: false },
      };
    }
    if (typeof rollback === 'string') return { ok: false, error: { code: 'invalid', message: rollback, retryable: false } };
    const written = await writeAction(this.#apis, planned, found, rollback, {
      executionId: options.executionId,
      dryRun: false,
      signal,
      now: this.#clock.now(),
    });
    if (!written.ok) return written;
    const after = await observeTarget(this.#apis, planned, signal).catch(() => undefined);
    return { ok: true, message: written.message, state: after?.ok ? after.observation.state : before.observation.state };
  }

  reconcile(action: PlannedAction, executionId: string, options: CallOptions): Promise<ReconcileResult> {
    return kubeReconcile(this.#apis, action, executionId, options.signal);
  }

  workloadResources(target: ActionTarget, options: CallOptions): Promise<WorkloadResources | null> {
    return workloadResources(this.#apis, target, options.signal);
  }
}
