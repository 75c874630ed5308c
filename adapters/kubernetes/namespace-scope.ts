import type { ActionTarget } from '../../src/ports/cluster-port.ts';

/** System namespaces: refused unless the allow-list names them. */
const systemNamespaces: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/**
 * The namespaces the bot may act in (AWOOOI_NAMESPACES). An empty list allows every namespace but the system
 * ones. Nodes are cluster-scoped and are governed by RBAC alone; a namespace being deleted is judged by its name.
 */
export class NamespaceScope {
  readonly #allowed: ReadonlySet<string>;

  constructor(allowed: readonly string[]) {
    this.#allowed = new Set(allowed);
  }

  /** The allow-list as configured (empty: every namespace but the system ones). */
  get namespaces(): string[] {
    return [...this.#allowed];
  }

  /** Why the bot may not act on this target, or null when it may. */
  refusal(target: ActionTarget): string | null {
    const namespace = target.kind === 'Namespace' ? target.name : target.namespace;
    if (namespace === undefined) return null;
    if (this.#allowed.size > 0) {
      return this.#allowed.has(namespace) ? null : `namespace ${namespace} is outside the bot's scope (AWOOOI_NAMESPACES: ${[...this.#allowed].join(', ')})`;
    }
    return systemNamespaces.has(namespace) ? `namespace ${namespace} is a system namespace, refused unless AWOOOI_NAMESPACES lists it` : null;
  }

  /** "every namespace but kube-system, …" or "shop, payments": for the start-up log. */
  describe(): string {
    return this.#allowed.size > 0 ? [...this.#allowed].join(', ') : `every namespace but ${[...systemNamespaces].join(', ')}`;
  }
}
