import { actionCatalog } from '../../src/actions/action-catalog.ts';
import type { ActionName } from '../../src/ports/cluster-port.ts';
import { mayI, type Permission, permissionsOf, permissionText, readsOf } from './access-review.ts';
import type { KubeApis } from './kube-connection.ts';

/** Whether the bot may run one action in one place, and what it lacks there. */
export interface ScopeCheck {
  /** The namespace, "all namespaces" (no allow-list) or "cluster-wide" (nodes). */
  scope: string;
  allowed: boolean;
  missing: string[];
}

export interface ActionCheck {
  action: ActionName;
  scopes: ScopeCheck[];
}

/**
 * Per catalog action, asks the API server (SelfSubjectAccessReview) whether the bot may make every read and write
 * it needs, in each namespace of the allow-list (or in all namespaces without one). The first thing to run after
 * installing: it tells whether deploy/kubernetes/rbac.yaml, or your own RBAC, is in place.
 */
export async function checkCluster(apis: KubeApis, namespaces: readonly string[], signal: AbortSignal): Promise<ActionCheck[]> {
  const places = namespaces.length === 0 ? [undefined] : [...namespaces];
  const checks: ActionCheck[] = [];
  for (const action of actionCatalog.keys()) {
    const needed = [...readsOf[action], ...permissionsOf[action]];
    const scopes: ScopeCheck[] = [];
    if (action === 'cordon_node') {
      scopes.push(
        await checkScope(
          apis,
          'cluster-wide',
          needed.map((permission) => ({ permission })),
          signal,
        ),
      );
    } else {
      for (const namespace of places) {
        const asked = needed.map((permission) => ({ permission, ...where(permission, namespace) }));
        scopes.push(await checkScope(apis, namespace ?? 'all namespaces', asked, signal));
      }
    }
    checks.push({ action, scopes });
  }
  return checks;
}

/** Namespaces are asked by name (delete_namespace of that namespace), nodes cluster-wide, the rest inside the namespace. */
function where(permission: Permission, namespace: string | undefined): { namespace?: string; name?: string } {
  if (namespace === undefined || permission.resource === 'nodes') return {};
  return permission.resource === 'namespaces' ? { name: namespace } : { namespace };
}

async function checkScope(apis: KubeApis, scope: string, asked: { permission: Permission; namespace?: string; name?: string }[], signal: AbortSignal) {
  const answers = await Promise.all(
    asked.map(({ permission, namespace, name }) =>
      mayI(apis, permission, { ...(namespace !== undefined && { namespace }), ...(name !== undefined && { name }) }, signal),
    ),
  );
  const missing = asked.filter((_, index) => !answers[index]!.allowed).map(({ permission }) => permissionText(permission));
  return { scope, allowed: missing.length === 0, missing };
}
