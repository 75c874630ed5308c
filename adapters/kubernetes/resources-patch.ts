import type { V1Deployment, V1ResourceRequirements } from '@kubernetes/client-node';
import { cpuCoresOf, memoryGiBOf, type ResourceParams, resourcesText } from '../../src/actions/resource-quantity.ts';
import type { DryRunFinding } from '../../src/ports/cluster-port.ts';
import { parseQuantity } from './workload-resources.ts';

/** One RFC 6902 operation of the resources change. */
type Operation = { op: 'test' | 'add'; path: string; value: unknown };

/** The container `set_resources` names, with its index in the pod template; a string says why there is none. */
export function containerOf(deployment: V1Deployment, params: ResourceParams) {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const index = containers.findIndex((container) => container.name === params.container);
  if (index === -1) {
    const names = containers.map((container) => container.name).join(', ');
    return `deployment ${deployment.metadata?.name ?? '?'} has no container ${params.container} (containers: ${names || 'none'})`;
  }
  return { index, container: containers[index]! };
}

/** The container's resources after the change: given requests and limits replace those keys, the rest is kept. */
export function resourcesAfter(current: V1ResourceRequirements | undefined, params: ResourceParams): V1ResourceRequirements {
  const drop = <T extends object>(pair: T) => Object.fromEntries(Object.entries(pair).filter(([, value]) => value !== undefined));
  const requests = { ...current?.requests, ...drop(params.requests) };
  const limits = params.limits === undefined ? current?.limits : { ...current?.limits, ...drop(params.limits) };
  return { ...current, requests, ...(limits !== undefined && { limits }) };
}

/** A request above its limit: the API server refuses it; said before the write. */
export function requestAboveLimit(resources: V1ResourceRequirements): string | null {
  for (const key of ['cpu', 'memory'] as const) {
    const request = parseQuantity(resources.requests?.[key]);
    const limit = parseQuantity(resources.limits?.[key]);
    if (request !== null && limit !== null && request > limit)
      return `requests.${key} ${resources.requests?.[key]} would exceed limits.${key} ${resources.limits?.[key]}`;
  }
  return null;
}

/**
 * The change of `set_resources` as JSON-patch operations: a `test` that the container is still at that index (an
 * index is all a JSON patch can address in a list), then the whole `resources` of that container. The caller adds the
 * uid/generation guard and the execution stamp.
 */
export function resourcesOperations(deployment: V1Deployment, params: ResourceParams): Operation[] | string {
  const found = containerOf(deployment, params);
  if (typeof found === 'string') return found;
  const after = resourcesAfter(found.container.resources, params);
  const refused = requestAboveLimit(after);
  if (refused !== null) return refused;
  const base = `/spec/template/spec/containers/${found.index}`;
  return [
    { op: 'test', path: `${base}/name`, value: params.container },
    { op: 'add', path: `${base}/resources`, value: after },
  ];
}

const orNone = (text: string | undefined) => text ?? 'none';

/** Dry-run findings of `set_resources`: the container's change and that every pod is replaced (a template change). */
export function resourcesFindings(deployment: V1Deployment, params: ResourceParams): DryRunFinding[] {
  const found = containerOf(deployment, params);
  if (typeof found === 'string') return [{ check: 'parameters', ok: false, message: found }];
  const before = found.container.resources;
  const after = resourcesAfter(before, params);
  const refused = requestAboveLimit(after);
  if (refused !== null) return [{ check: 'parameters', ok: false, message: refused }];
  const replicas = deployment.spec?.replicas ?? 1;
  const changes = (['cpu', 'memory'] as const)
    .filter((key) => params.requests[key] !== undefined)
    .map((key) => `${key} ${orNone(before?.requests?.[key])} → ${after.requests?.[key]}`);
  const findings: DryRunFinding[] = [
    {
      check: 'blast_radius',
      ok: true,
      message: `container ${params.container} requests ${changes.join(', ')}${params.limits === undefined ? '' : `, limits ${resourcesText(params.limits)}`}; replaces ${replicas} pod${replicas === 1 ? '' : 's'}, rolling`,
    },
  ];
  // No usage source here (the adapter reads the API server only): a steep cut is flagged so a signer checks the graphs.
  const steep = (['cpu', 'memory'] as const).filter((key) => {
    const was = parseQuantity(before?.requests?.[key]);
    const text = params.requests[key];
    if (was === null || text === undefined || was <= 0) return false;
    const next = key === 'cpu' ? cpuCoresOf(text) : (memoryGiBOf(text) ?? 0) * 2 ** 30;
    return next !== null && next < was / 4;
  });
  if (steep.length > 0)
    findings.push({
      check: 'blast_radius',
      ok: true,
      warning: true,
      message: `${steep.join(' and ')} cut to under a quarter of today's request: check its peak use`,
    });
  return findings;
}
