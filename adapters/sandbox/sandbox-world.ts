import { createHash } from 'node:crypto';
import type { ActionName } from '../../src/ports/cluster-port.ts';

/**
 * The simulated cluster's data: plain JSON, so a test can snapshot it, "crash", and load it again.
 * Every object has a uid and a resourceVersion taken from one global counter, like the API server.
 */
export interface SandboxMeta {
  uid: string;
  resourceVersion: string;
  annotations: Record<string, string>;
}

export interface SandboxNamespace extends SandboxMeta {
  name: string;
}

export interface SandboxDeployment extends SandboxMeta {
  namespace: string;
  name: string;
  replicas: number;
  /** Status, computed from the pods by `converge`. */
  readyReplicas: number;
  revision: number;
  image: string;
  /** Earlier revisions still available for rollback (ReplicaSet history), oldest first. */
  history: { revision: number; image: string }[];
  podTemplateHash: string;
  /** Requests per replica (of its one container). */
  cpuCores: number;
  memoryGiB: number;
  /** Its one container's name; absent: named like the deployment. */
  container?: string;
  /** Its container's limits; absent: none. */
  limits?: { cpuCores?: number; memoryGiB?: number };
  /**
   * The requests the SIMULATED usage history measures this workload's use against: set when `set_resources` first
   * changes the requests, so that right-sizing does not shrink the simulated use with them. Absent: the requests.
   */
  usageBasis?: { cpuCores: number; memoryGiB: number };
}

/** The name of a sandbox deployment's one container. */
export function containerOf(deployment: SandboxDeployment): string {
  return deployment.container ?? deployment.name;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface SandboxPod extends SandboxMeta {
  namespace: string;
  name: string;
  ownerKind: 'Deployment' | 'StatefulSet' | null;
  owner: string | null;
  phase: PodPhase;
  ready: boolean;
  restarts: number;
  /** Waiting reason, e.g. CrashLoopBackOff. */
  reason: string | null;
  node: string | null;
}

/** Selects the pods of one workload (owner name), as `app: <name>` selectors usually do. */
export interface SandboxPdb extends SandboxMeta {
  namespace: string;
  name: string;
  workload: string;
  minAvailable: number;
  /** Status, computed by `converge`. */
  currentHealthy: number;
  disruptionsAllowed: number;
}

export interface SandboxPvc extends SandboxMeta {
  namespace: string;
  name: string;
  storageGiB: number;
  /** Names of pods (same namespace) that mount it. */
  mountedBy: string[];
  storageClass?: string;
}

export interface SandboxNode extends SandboxMeta {
  name: string;
  unschedulable: boolean;
  /** Allocatable capacity and instance type, for FinOps; absent: unknown. */
  cpuCores?: number;
  memoryGiB?: number;
  instanceType?: string;
}

/** A PersistentVolume no claim holds any more (Released): only FinOps looks at it, no action targets it. */
export interface SandboxVolume {
  name: string;
  phase: 'Available' | 'Released';
  storageGiB: number;
  storageClass: string;
  claim: { namespace: string; name: string } | null;
}

export interface SandboxWorld {
  counters: { resourceVersion: number; uid: number; name: number };
  namespaces: SandboxNamespace[];
  deployments: SandboxDeployment[];
  pods: SandboxPod[];
  pdbs: SandboxPdb[];
  pvcs: SandboxPvc[];
  nodes: SandboxNode[];
  /** Volumes without a claim (bound volumes are implied by the claims); absent in older snapshots. */
  volumes?: SandboxVolume[];
  /** Actions the bot's service account may run (what a SelfSubjectAccessReview would allow). */
  permitted: ActionName[];
  /** How many times each execution id was actually applied. */
  executions: Record<string, number>;
  /** Objects deleted by an execution (a pod evicted, a PVC or namespace deleted), for reconcile. */
  tombstones: SandboxTombstone[];
}

export interface SandboxTombstone {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string;
  executionId: string;
}

/** Annotation carrying the id of the last execution applied to an object (for reconcile). */
export const EXECUTION_ANNOTATION = 'awoooi.dev/execution-id';
/** What `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export function emptyWorld(permitted: ActionName[]): SandboxWorld {
  return {
    counters: { resourceVersion: 1000, uid: 0, name: 0 },
    namespaces: [],
    deployments: [],
    pods: [],
    pdbs: [],
    pvcs: [],
    nodes: [],
    permitted,
    executions: {},
    tombstones: [],
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Deterministic, UUID-shaped: the same seed data always gives the same uids. */
export function nextUid(world: SandboxWorld): string {
  const hex = digest(`sandbox-uid:${++world.counters.uid}`).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Kubernetes' own alphabet for generated names (no vowels, no look-alikes).
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A generated name part of `length` characters, e.g. a pod-template-hash (10) or pod suffix (5). */
export function nextNamePart(world: SandboxWorld, length: number): string {
  const bytes = digest(`sandbox-name:${++world.counters.name}`);
  let out = '';
  for (let index = 0; index < length; index++) out += nameAlphabet[(bytes[index] ?? 0) % nameAlphabet.length];
  return out;
}

/** Records a change: a new resourceVersion from the global counter. */
export function touch(world: SandboxWorld, object: SandboxMeta): void {
  world.counters.resourceVersion += 1;
  object.resourceVersion = String(world.counters.resourceVersion);
}

export function meta(world: SandboxWorld, annotations: Record<string, string> = {}): SandboxMeta {
  const uid = nextUid(world);
  world.counters.resourceVersion += 1;
  return { uid, resourceVersion: String(world.counters.resourceVersion), annotations };
}

export function ownedPods(world: SandboxWorld, namespace: string, owner: string): SandboxPod[] {
  return world.pods.filter((pod) => pod.namespace === namespace && pod.owner === owner);
}

export function pdbFor(world: SandboxWorld, namespace: string, workload: string | null): SandboxPdb | undefined {
  if (workload === null) return undefined;
  return world.pdbs.find((pdb) => pdb.namespace === namespace && pdb.workload === workload);
}
