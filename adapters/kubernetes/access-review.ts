import type { ActionName, DryRunFinding, PlannedAction } from '../../src/ports/cluster-port.ts';
import { callWith, type KubeApis } from './kube-connection.ts';
import { kubeFailure } from './kube-failure.ts';

/** One RBAC permission, as a SelfSubjectAccessReview asks for it and a Role grants it. */
export interface Permission {
  verb: string;
  /** API group: '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
}

const patch = (group: string, resource: string): Permission => ({ verb: 'patch', group, resource });

/**
 * The writes each action makes, and so the verbs the bot needs. Deletes and evictions first stamp the object with
 * the execution id (a patch), so that `reconcile` can tell after a crash whether the write happened.
 */
export const permissionsOf: Readonly<Record<ActionName, readonly Permission[]>> = {
  restart_deployment: [patch('apps', 'deployments')],
  scale_deployment: [patch('apps', 'deployments')],
  set_resources: [patch('apps', 'deployments')],
  rollback_deployment: [patch('apps', 'deployments')],
  evict_pod: [patch('', 'pods'), { verb: 'create', group: '', resource: 'pods', subresource: 'eviction' }],
  cordon_node: [patch('', 'nodes')],
  delete_pvc: [patch('', 'persistentvolumeclaims'), { verb: 'delete', group: '', resource: 'persistentvolumeclaims' }],
  delete_namespace: [patch('', 'namespaces'), { verb: 'delete', group: '', resource: 'namespaces' }],
};

const read = (verb: 'get' | 'list', group: string, resource: string): Permission => ({ verb, group, resource });

/** The reads each action's dry-run makes: `cluster check` asks for them too (deploy/kubernetes/rbac.yaml grants them). */
export const readsOf: Readonly<Record<ActionName, readonly Permission[]>> = {
  restart_deployment: [read('get', 'apps', 'deployments'), read('list', 'policy', 'poddisruptionbudgets')],
  scale_deployment: [read('get', 'apps', 'deployments'), read('list', 'policy', 'poddisruptionbudgets')],
  set_resources: [read('get', 'apps', 'deployments'), read('list', 'policy', 'poddisruptionbudgets')],
  rollback_deployment: [read('get', 'apps', 'deployments'), read('list', 'apps', 'replicasets'), read('list', 'policy', 'poddisruptionbudgets')],
  evict_pod: [read('get', '', 'pods'), read('list', 'policy', 'poddisruptionbudgets')],
  cordon_node: [read('get', '', 'nodes'), read('list', '', 'nodes'), read('list', '', 'pods')],
  delete_pvc: [read('get', '', 'persistentvolumeclaims'), read('list', '', 'pods')],
  delete_namespace: [read('get', '', 'namespaces'), read('list', 'apps', 'deployments'), read('list', '', 'pods'), read('list', '', 'persistentvolumeclaims')],
};

/** The reads of `workloadResources` (cost at stake): a pod's ReplicaSet and the deployment that owns it. */
export const costReads: readonly Permission[] = [read('get', '', 'pods'), read('get', 'apps', 'replicasets'), read('get', 'apps', 'deployments')];

/** The reads of topology discovery, across all namespaces (then filtered by the namespace scope). */
export const discoveryReads: readonly Permission[] = [read('list', 'apps', 'deployments'), read('list', 'apps', 'statefulsets'), read('list', '', 'services')];

/** The lists of the FinOps scan (kube-inventory.ts), across all namespaces (then filtered by the namespace scope). */
export const finopsReads: readonly Permission[] = [
  read('list', 'apps', 'deployments'),
  read('list', 'apps', 'statefulsets'),
  read('list', 'apps', 'replicasets'),
  read('list', '', 'pods'),
  read('list', '', 'persistentvolumeclaims'),
  read('list', '', 'persistentvolumes'),
  read('list', '', 'nodes'),
];

/** "patch deployments.apps", "create pods/eviction". */
export function permissionText(permission: Permission): string {
  const resource = permission.group === '' ? permission.resource : `${permission.resource}.${permission.group}`;
  return `${permission.verb} ${resource}${permission.subresource === undefined ? '' : `/${permission.subresource}`}`;
}

/** Asks the API server whether the bot itself may do one thing (in one namespace, on one object). */
export async function mayI(apis: KubeApis, permission: Permission, where: { namespace?: string; name?: string }, signal: AbortSignal) {
  try {
    const review = await apis.authorization.createSelfSubjectAccessReview(
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { ...permission, ...where } },
        },
      },
      callWith(signal),
    );
    return { allowed: review.status?.allowed === true, reason: review.status?.reason ?? null };
  } catch (error) {
    const failure = kubeFailure(error, signal);
    return { allowed: false, reason: `the review itself failed: ${failure.message}` };
  }
}

/** The `rbac` finding of a dry-run: every permission the action needs, asked of the API server. Fails closed. */
export async function reviewAccess(apis: KubeApis, planned: PlannedAction, signal: AbortSignal): Promise<DryRunFinding> {
  const { namespace, name } = planned.target;
  const where = { ...(namespace !== undefined && { namespace }), name };
  const scope = namespace === undefined ? 'cluster-wide' : `in namespace ${namespace}`;
  const needed = permissionsOf[planned.action];
  const answers = await Promise.all(needed.map((permission) => mayI(apis, permission, where, signal)));
  const refused = needed.flatMap((permission, index) => {
    const answer = answers[index]!;
    return answer.allowed ? [] : [`${permissionText(permission)}${answer.reason ? ` (${answer.reason})` : ''}`];
  });
  const all = needed.map(permissionText).join(', ');
  return refused.length === 0
    ? { check: 'rbac', ok: true, message: `bot may ${all} ${scope} (SelfSubjectAccessReview)` }
    : { check: 'rbac', ok: false, message: `bot may not ${refused.join(', ')} ${scope} (SelfSubjectAccessReview: allowed false)` };
}
