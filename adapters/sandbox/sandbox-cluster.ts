import { actionCatalog, validatePlannedAction } from '../../src/actions/action-catalog.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type {
  ActionName,
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
import { systemClock } from '../../src/ports/clock.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { seedDemoWorld } from './demo-data.ts';
import { applyAction } from './sandbox-apply.ts';
import { dryRunWorld, permissionOf } from './sandbox-dry-run.ts';
import { simulateLatency, type SandboxLatency } from './sandbox-latency.ts';
import { fingerprintOf, locate, observeState } from './sandbox-state.ts';
import { converge } from './sandbox-controllers.ts';
import { sandboxInventory } from './sandbox-inventory.ts';
import { EXECUTION_ANNOTATION, emptyWorld, touch } from './sandbox-world.ts';
import type { SandboxDeployment, SandboxNamespace, SandboxNode, SandboxPdb, SandboxPod, SandboxPvc, SandboxWorld } from './sandbox-world.ts';

/** Kinds a test can read with `get` and change with `mutate`, and their shapes. */
export interface SandboxObjects {
  Deployment: SandboxDeployment;
  Pod: SandboxPod;
  PodDisruptionBudget: SandboxPdb;
  PersistentVolumeClaim: SandboxPvc;
  Node: SandboxNode;
  Namespace: SandboxNamespace;
}
export type SandboxKind = keyof SandboxObjects;

/** The whole simulated cluster as plain JSON. */
export type SandboxSnapshot = SandboxWorld;

export interface SandboxOptions {
  clock?: Clock;
  /** Simulated API server latency per call (none by default); calls honour their signal while they wait. */
  latency?: SandboxLatency;
}

const allActions = (): ActionName[] => [...actionCatalog.keys()];

/**
 * A simulated, in-memory Kubernetes cluster implementing ClusterPort, for the demo, laptops and tests.
 * Controllers converge instantly (a restart's new pods are ready at once); everything else follows
 * the API server's rules that matter to approvals: uids, a global resourceVersion, PDB headroom,
 * the Eviction API's refusal, RBAC, pvc-protection.
 */
export class SandboxCluster implements ClusterPort {
  readonly description = 'sandbox (simulated)';
  readonly simulated = true;
  readonly #clock: Clock;
  #world: SandboxWorld;
  #latency: SandboxLatency;

  constructor(world?: SandboxWorld, options: SandboxOptions = {}) {
    this.#world = world ?? emptyWorld(allActions());
    this.#clock = options.clock ?? systemClock;
    this.#latency = { ...options.latency };
  }

  /** The demo shop: shop/{checkout,payments,cart}, payments/api crash-looping, PDBs, PVCs, 3 nodes. */
  static withDemoData(options: SandboxOptions = {}): SandboxCluster {
    return new SandboxCluster(seedDemoWorld(allActions()), options);
  }

  /** Loads a `snapshot()`, e.g. after a simulated process crash. */
  static fromSnapshot(snapshot: SandboxSnapshot, options: SandboxOptions = {}): SandboxCluster {
    return new SandboxCluster(structuredClone(snapshot), options);
  }

  snapshot(): SandboxSnapshot {
    return structuredClone(this.#world);
  }

  /** Test hook: from now on these calls answer this slowly (a slow or hung API server). */
  setLatency(latency: SandboxLatency): void {
    this.#latency = { ...latency };
  }

  // Signals are optional here (not in the port) so that tests and the demo can call the sandbox directly.
  async dryRun(action: PlannedAction, options: Partial<CallOptions> = {}): Promise<DryRunResult> {
    await simulateLatency(this.#latency.dryRun, options.signal);
    return dryRunWorld(this.#world, action);
  }

  /**
   * Check and apply happen in one synchronous step, so nothing can slip in between: the sandbox's
   * equivalent of a write with resourceVersion preconditions. A call aborted while it waits never applies.
   */
  async execute(action: PlannedAction, options: Omit<ExecuteOptions, 'signal'> & Partial<CallOptions>): Promise<ExecuteResult> {
    await simulateLatency(this.#latency.execute, options.signal);
    const validated = validatePlannedAction(action);
    if (!validated.ok) return { ok: false, error: { code: 'invalid', message: validated.error.message, retryable: false } };
    const planned = validated.action;
    if (!this.#world.permitted.includes(planned.action)) {
      const { verb, resource } = permissionOf[planned.action];
      return { ok: false, error: { code: 'forbidden', message: `bot may not ${verb} ${resource}`, retryable: false } };
    }
    const before = observeState(this.#world, planned.target);
    if (fingerprintOf(before) !== options.expectedFingerprint) {
      return {
        ok: false,
        error: { code: 'state_changed', message: `${planned.target.kind} ${planned.target.name} changed since the dry-run`, retryable: false },
      };
    }
    const applied = applyAction(this.#world, planned, options.executionId, this.#clock.now());
    if (!applied.ok) return applied;
    return { ok: true, message: applied.message, state: observeState(this.#world, planned.target) };
  }

  /**
   * Deletes (evict, delete_pvc, delete_namespace) took effect when a tombstone names the execution, or
   * the object is gone; other actions when the object carries the execution's annotation.
   */
  async reconcile(action: PlannedAction, executionId: string, options: Partial<CallOptions> = {}): Promise<ReconcileResult> {
    await simulateLatency(this.#latency.reconcile, options.signal);
    const { target } = action;
    const found = locate(this.#world, target);
    const deletes = action.action === 'evict_pod' || action.action === 'delete_pvc' || action.action === 'delete_namespace';
    if (deletes) {
      const buried = this.#world.tombstones.some(
        (tombstone) => tombstone.executionId === executionId && tombstone.kind === target.kind && tombstone.name === target.name,
      );
      return buried || found.object === undefined ? 'applied' : 'not_applied';
    }
    if (found.object === undefined) return 'unknown';
    return found.object.annotations[EXECUTION_ANNOTATION] === executionId ? 'applied' : 'not_applied';
  }

  /** A deployment's replicas and per-replica requests; a pod answers for the deployment that owns it. */
  async workloadResources(target: ActionTarget, options: Partial<CallOptions> = {}): Promise<WorkloadResources | null> {
    await simulateLatency(this.#latency.workloadResources, options.signal);
    let deploymentName: string | null = target.kind === 'Deployment' ? target.name : null;
    if (target.kind === 'Pod') {
      const found = locate(this.#world, target);
      if (found.kind === 'Pod' && found.object?.ownerKind === 'Deployment') deploymentName = found.object.owner;
    }
    const deployment = this.#world.deployments.find((item) => item.namespace === target.namespace && item.name === deploymentName);
    if (deployment === undefined) return null;
    return { replicas: deployment.replicas, cpuCores: deployment.cpuCores, memoryGiB: deployment.memoryGiB };
  }

  /** Everything that costs money, for the FinOps scan (read-only). */
  async inventory(options: Partial<CallOptions> = {}): Promise<ClusterInventory> {
    await simulateLatency(this.#latency.workloadResources, options.signal);
    return sandboxInventory(this.#world);
  }

  /** The requests the SIMULATED usage history measures a workload against when right-sizing changed them. */
  usageBasis(namespace: string, name: string): { cpuCores: number; memoryGiB: number } | undefined {
    return this.#world.deployments.find((item) => item.namespace === namespace && item.name === name)?.usageBasis;
  }

  /** Test hook: the bot's service account loses the permission an action needs. */
  forbid(action: ActionName): void {
    this.#world.permitted = this.#world.permitted.filter((name) => name !== action);
  }

  /** Test hook: gives a permission back. */
  permit(action: ActionName): void {
    if (!this.#world.permitted.includes(action)) this.#world.permitted.push(action);
  }

  /**
   * Test hook: the world changes between signing and execution (someone scaled by hand, a pod went
   * unready, a PDB was tightened). Bumps the object's resourceVersion; controllers then converge.
   * Returns false when there is no such object.
   */
  mutate<K extends SandboxKind>(kind: K, namespace: string | null, name: string, change: Partial<SandboxObjects[K]>): boolean {
    const object = this.#find(kind, namespace, name);
    if (object === undefined) return false;
    Object.assign(object, change);
    touch(this.#world, object);
    converge(this.#world);
    return true;
  }

  /** A copy of one object, for assertions; undefined when absent. */
  get<K extends SandboxKind>(kind: K, namespace: string | null, name: string): SandboxObjects[K] | undefined {
    const object = this.#find(kind, namespace, name);
    return object === undefined ? undefined : structuredClone(object);
  }

  /** Copies of the pods in a namespace (optionally of one owner). */
  pods(namespace: string, owner?: string): SandboxWorld['pods'] {
    return structuredClone(this.#world.pods.filter((pod) => pod.namespace === namespace && (owner === undefined || pod.owner === owner)));
  }

  /** How many times each execution id was applied: the "executed exactly once" assertion. */
  get executions(): Readonly<Record<string, number>> {
    return { ...this.#world.executions };
  }

  #find<K extends SandboxKind>(kind: K, namespace: string | null, name: string): SandboxObjects[K] | undefined {
    const world = this.#world;
    const scoped = <T extends { namespace: string; name: string }>(list: T[]): T | undefined =>
      list.find((item) => item.namespace === namespace && item.name === name);
    const lists: { [Kind in SandboxKind]: () => SandboxObjects[Kind] | undefined } = {
      Deployment: () => scoped(world.deployments),
      Pod: () => scoped(world.pods),
      PodDisruptionBudget: () => scoped(world.pdbs),
      PersistentVolumeClaim: () => scoped(world.pvcs),
      Node: () => world.nodes.find((node) => node.name === name),
      Namespace: () => world.namespaces.find((item) => item.name === name),
    };
    return lists[kind]();
  }
}
