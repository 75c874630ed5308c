import { z } from 'zod';
import type { Risk } from '../domain/risk.ts';
import type { ActionName, ActionTarget, PlannedAction, TargetKind } from '../ports/cluster-port.ts';
import { type ResourceParams, resourceParams, resourcesText } from './resource-quantity.ts';

/**
 * One remediation the bot knows how to run. Anything outside the catalog never reaches a cluster:
 * a model may only pick an entry and fill in its parameters, and `validatePlannedAction` checks both.
 */
export interface CatalogEntry {
  name: ActionName;
  targetKind: TargetKind;
  /** Risk before trust adjustment; `riskFor` may raise it for particular parameters. */
  baseRisk: Risk;
  /** Strict schema: unknown keys are rejected, not stripped. */
  params: z.ZodType<Record<string, unknown>>;
  /** One line for the card, e.g. "rollout restart of deployment shop/checkout". */
  describe(target: ActionTarget, params: Record<string, unknown>): string;
  /** Parameter-dependent risk (scaling to zero is an outage, not a tweak). */
  riskFor?(params: Record<string, unknown>): Risk;
}

const noParams = z.strictObject({});
const scaleParams = z.strictObject({ replicas: z.int().min(0).max(100) });
const rollbackParams = z.strictObject({ toRevision: z.int().min(1).optional() });

function where(target: ActionTarget): string {
  return target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
}

const entries: readonly CatalogEntry[] = [
  {
    name: 'restart_deployment',
    targetKind: 'Deployment',
    baseRisk: 'MEDIUM',
    params: noParams,
    describe: (target) => `rollout restart of deployment ${where(target)}`,
  },
  {
    // Not LOW: the pod goes away at once, and a lone replica means a short outage.
    name: 'evict_pod',
    targetKind: 'Pod',
    baseRisk: 'MEDIUM',
    params: noParams,
    describe: (target) => `evict pod ${where(target)} through the Eviction API (respects PodDisruptionBudgets)`,
  },
  {
    name: 'scale_deployment',
    targetKind: 'Deployment',
    baseRisk: 'MEDIUM',
    params: scaleParams,
    describe: (target, params) => `scale deployment ${where(target)} to ${String(params['replicas'])} replicas`,
    riskFor: (params) => (params['replicas'] === 0 ? 'HIGH' : 'MEDIUM'),
  },
  {
    // Changes the pod template, so every pod is replaced (rolling), like a restart; too-low requests throttle or OOM-kill.
    name: 'set_resources',
    targetKind: 'Deployment',
    baseRisk: 'MEDIUM',
    params: resourceParams,
    describe: (target, params) => {
      const { container, requests, limits } = params as ResourceParams;
      const limited = limits === undefined ? '' : `, limits ${resourcesText(limits)}`;
      return `set requests of container ${container} in deployment ${where(target)} to ${resourcesText(requests)}${limited} (pods are replaced, rolling)`;
    },
  },
  {
    name: 'rollback_deployment',
    targetKind: 'Deployment',
    baseRisk: 'MEDIUM',
    params: rollbackParams,
    describe: (target, params) =>
      params['toRevision'] === undefined
        ? `roll back deployment ${where(target)} to the previous revision`
        : `roll back deployment ${where(target)} to revision ${String(params['toRevision'])}`,
  },
  {
    name: 'cordon_node',
    targetKind: 'Node',
    baseRisk: 'HIGH',
    params: noParams,
    describe: (target) => `cordon node ${target.name} (running pods stay, no new pods are scheduled)`,
  },
  {
    name: 'delete_pvc',
    targetKind: 'PersistentVolumeClaim',
    baseRisk: 'HIGH',
    params: noParams,
    describe: (target) => `delete PersistentVolumeClaim ${where(target)} (its data may be lost)`,
  },
  {
    name: 'delete_namespace',
    targetKind: 'Namespace',
    baseRisk: 'CRITICAL',
    params: noParams,
    describe: (target) => `delete namespace ${target.name} and everything in it`,
  },
];

/** The catalog, by action name. */
export const actionCatalog: ReadonlyMap<ActionName, CatalogEntry> = new Map(entries.map((entry) => [entry.name, entry]));

export function catalogEntry(name: ActionName): CatalogEntry {
  const entry = actionCatalog.get(name);
  if (entry === undefined) throw new Error(`action ${name} missing from the catalog`);
  return entry;
}

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && actionCatalog.has(value as ActionName);
}

/** Kinds that live outside namespaces; their targets must not carry one. */
const clusterScoped: ReadonlySet<TargetKind> = new Set(['Node', 'Namespace']);

// RFC 1123 label (namespaces) and subdomain (most other object names), as the API server checks them.
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && dns1123Label.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && dns1123Subdomain.test(value);
}

const targetShape = z.strictObject({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
});

export type ValidationErrorCode = 'unknown_action' | 'invalid_params' | 'invalid_target';

export type ValidatedAction = { ok: true; action: PlannedAction } | { ok: false; error: { code: ValidationErrorCode; message: string } };

function fail(code: ValidationErrorCode, message: string): ValidatedAction {
  return { ok: false, error: { code, message } };
}

function checkTarget(entry: CatalogEntry, raw: unknown): ActionTarget | string {
  const parsed = targetShape.safeParse(raw);
  if (!parsed.success) return `target must be {kind, namespace?, name}: ${z.prettifyError(parsed.error)}`;
  const { kind, namespace, name } = parsed.data;
  if (kind !== entry.targetKind) return `${entry.name} acts on a ${entry.targetKind}, not a ${kind}`;
  const nameOk = kind === 'Namespace' ? isDns1123Label(name) : isDns1123Subdomain(name);
  if (!nameOk) return `target name ${JSON.stringify(name)} is not a valid DNS-1123 name`;
  if (clusterScoped.has(entry.targetKind)) {
    if (namespace !== undefined) return `a ${kind} is cluster-scoped and takes no namespace`;
    return { kind: entry.targetKind, name };
  }
  if (namespace === undefined) return `a ${kind} target needs a namespace`;
  if (!isDns1123Label(namespace)) return `namespace ${JSON.stringify(namespace)} is not a valid DNS-1123 label`;
  return { kind: entry.targetKind, namespace, name };
}

/**
 * Turns untrusted input (a model's proposal, a slash command, a stored row) into a catalog action.
 * Extra top-level keys (a model's "reason" field) are dropped; extra parameter keys are rejected,
 * because a parameter we do not understand is one we would silently ignore at execution.
 */
export function validatePlannedAction(input: unknown): ValidatedAction {
  if (typeof input !== 'object' || input === null) return fail('unknown_action', 'expected an object {action, target, params}');
  const record = input as Record<string, unknown>;
  const name = record['action'];
  if (!isActionName(name)) return fail('unknown_action', `${JSON.stringify(name ?? null)} is not an action in the catalog`);
  const entry = catalogEntry(name);

  const target = checkTarget(entry, record['target']);
  if (typeof target === 'string') return fail('invalid_target', target);

  const params = entry.params.safeParse(record['params'] ?? {});
  if (!params.success) return fail('invalid_params', `${name}: ${z.prettifyError(params.error)}`);

  return { ok: true, action: { action: name, target, params: params.data } };
}

/** Catalog risk of a planned action, before trust. Never taken from the proposer's own claim. */
export function baseRiskOf(planned: PlannedAction): Risk {
  const entry = catalogEntry(planned.action);
  return entry.riskFor?.(planned.params) ?? entry.baseRisk;
}

/** Human line for a planned action. */
export function describeAction(planned: PlannedAction): string {
  return catalogEntry(planned.action).describe(planned.target, planned.params);
}
