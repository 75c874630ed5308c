import type { Risk } from '../domain/risk.ts';
import type { CallOptions } from './call-options.ts';

/** The kinds of object a remediation can act on. */
export type TargetKind = 'Deployment' | 'Pod' | 'Node' | 'PersistentVolumeClaim' | 'Namespace';

/** What an action acts on. `namespace` is absent for cluster-scoped kinds (Node, Namespace). */
export interface ActionTarget {
  kind: TargetKind;
  namespace?: string;
  name: string;
}

/** Names of the actions in the catalog (src/actions/action-catalog.ts). */
export type ActionName =
  | 'restart_deployment'
  | 'evict_pod'
  | 'scale_deployment'
  | 'set_resources'
  | 'rollback_deployment'
  | 'cordon_node'
  | 'delete_pvc'
  | 'delete_namespace';

/** A catalog action with its target and validated parameters: what a proposal asks to run. */
export interface PlannedAction {
  action: ActionName;
  target: ActionTarget;
  params: Record<string, unknown>;
}

/** One check of a dry-run, in words a human can read on the card. */
export interface DryRunFinding {
  /** `scope`: the namespace allow-list; `gitops`: the object is reconciled from Git (Argo CD, Flux). */
  check: 'scope' | 'rbac' | 'parameters' | 'existence' | 'pdb' | 'blast_radius' | 'gitops' | 'server_dry_run';
  ok: boolean;
  message: string;
  /** Passed, but a person should know before signing (scales below a PDB's minimum, data is deleted). */
  warning?: boolean;
}

/**
 * Result of a dry-run. `state` is what the dry-run saw (uid, resourceVersion, replica counts,
 * PDB headroom…) with keys sorted; `fingerprint` is a hash of it. A signature is bound to it:
 * if the fingerprint differs at execution time, the approval is void (TOCTOU guard).
 */
export interface DryRunResult {
  ok: boolean;
  findings: DryRunFinding[];
  state: Record<string, string | number | boolean | null>;
  fingerprint: string;
}

/** Outbound errors say whether trying again could help. */
export interface ClusterError {
  code: 'state_changed' | 'forbidden' | 'not_found' | 'blocked' | 'invalid' | 'unavailable' | 'failed';
  message: string;
  retryable: boolean;
}

export type ExecuteResult = { ok: true; message: string; state: DryRunResult['state'] } | { ok: false; error: ClusterError };

/** Whether an execution that may have been cut off actually took effect (crash recovery). */
export type ReconcileResult = 'applied' | 'not_applied' | 'unknown';

/** Resource figures used for cost at stake. */
export interface WorkloadResources {
  replicas: number;
  /** Per replica. */
  cpuCores: number;
  /** Per replica. */
  memoryGiB: number;
}

/**
 * The cluster as the core sees it. Implemented by the sandbox (simulated), Kubernetes and MCP adapters.
 * Expected failures are values; a thrown error means something unexpected. Every call takes a signal (its
 * deadline, and for executions the lease): when it fires the adapter stops and rejects with `signal.reason`.
 */
export interface ClusterPort {
  /** Shown at start-up and on cards, e.g. "sandbox (simulated)". */
  readonly description: string;
  readonly simulated: boolean;
  /** Every check of DESIGN.md §2 "Dry-run checks" that applies to the action. Never changes anything. */
  dryRun(action: PlannedAction, options: CallOptions): Promise<DryRunResult>;
  /**
   * Runs the action if, and only if, the state still has `expectedFingerprint`.
   * `executionId` is recorded on the object where the platform allows (annotation) so that
   * `reconcile` can tell later whether this execution took effect. An aborted call may or may not have
   * taken effect: the caller asks `reconcile`, never runs it again.
   */
  execute(action: PlannedAction, options: ExecuteOptions): Promise<ExecuteResult>;
  /** After a crash, a timeout or a lost lease mid-execution: did execution `executionId` of `action` take effect? */
  reconcile(action: PlannedAction, executionId: string, options: CallOptions): Promise<ReconcileResult>;
  /** Replicas and requests of a workload, for cost at stake; null when unknown. */
  workloadResources(target: ActionTarget, options: CallOptions): Promise<WorkloadResources | null>;
  /**
   * What costs money in the cluster (FinOps, ADR 0024): workloads with their requests, pods with their volumes and
   * nodes, claims, volumes and nodes. Read-only; within the adapter's namespace scope. Absent: no FinOps scan.
   */
  inventory?(options: CallOptions): Promise<ClusterInventory>;
}

/** A Deployment or StatefulSet with its replicas and per-replica requests. */
export interface InventoryWorkload extends WorkloadResources {
  kind: 'Deployment' | 'StatefulSet';
  namespace: string;
  name: string;
  /** Names of its pod template's containers (not init containers); absent when the adapter does not say. */
  containers?: string[];
}

/** A pod: which workload owns it, where it runs, which claims it mounts. */
export interface InventoryPod {
  namespace: string;
  name: string;
  /** The Deployment (through its ReplicaSet) or StatefulSet that owns it; null for bare pods and other owners. */
  workload: { kind: InventoryWorkload['kind']; name: string } | null;
  node: string | null;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** Names of the PersistentVolumeClaims (same namespace) it mounts. */
  claims: string[];
}

/** A PersistentVolumeClaim with its size and class. */
export interface InventoryClaim {
  namespace: string;
  name: string;
  phase: 'Pending' | 'Bound' | 'Lost';
  storageGiB: number;
  storageClass: string | null;
  volume: string | null;
}

/** A PersistentVolume; `Released` ones outlived their claim and are still billed. */
export interface InventoryVolume {
  name: string;
  phase: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
  storageGiB: number;
  storageClass: string | null;
  reclaimPolicy: string | null;
  claim: { namespace: string; name: string } | null;
}

/** A node with its allocatable capacity; null figures are unknown. */
export interface InventoryNode {
  name: string;
  instanceType: string | null;
  cpuCores: number | null;
  memoryGiB: number | null;
}

/** Everything that costs money, as one read of the cluster. */
export interface ClusterInventory {
  workloads: InventoryWorkload[];
  pods: InventoryPod[];
  claims: InventoryClaim[];
  volumes: InventoryVolume[];
  nodes: InventoryNode[];
}

/** What `execute` is bound to: the state the signatures saw, and the execution id to stamp for reconcile. */
export interface ExecuteOptions extends CallOptions {
  expectedFingerprint: string;
  executionId: string;
}

export type { Risk };

/**
 * Several clusters by name (ADR 0032): an incident belongs to one, and its proposals dry-run, execute and
 * reconcile there. Without a directory there is one cluster, and every incident is its.
 */
export interface ClusterDirectory {
  readonly defaultName: string;
  /** The cluster of that name; undefined when none is configured by it (then nothing may run: fail closed). */
  get(name: string): ClusterPort | undefined;
}
