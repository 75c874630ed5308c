import type { PlannedAction } from '../../src/ports/cluster-port.ts';

/** The cluster a tool call is for, among several (ADR 0032): `{cluster.name}`, `{cluster.context}`. */
export interface ToolCluster {
  name: string;
  context?: string | undefined;
}

const placeholder = /\{(target\.(?:kind|namespace|name)|params\.[A-Za-z0-9_]+|cluster\.(?:name|context))\}/g;

function lookup(planned: PlannedAction, cluster: ToolCluster | undefined, path: string): unknown {
  const [root, key] = path.split('.', 2) as [string, string];
  if (root === 'cluster') return cluster === undefined ? undefined : (cluster as unknown as Record<string, unknown>)[key];
  const source: Record<string, unknown> = root === 'target' ? { ...planned.target } : planned.params;
  return source[key];
}

/**
 * A tool's arguments from the configured mapping: "{target.name}", "{target.namespace}", "{params.replicas}" are
 * replaced by the planned action's values, "{cluster.name}" and "{cluster.context}" by the cluster's (a tool of a
 * server that serves several contexts). A string that is one placeholder takes the value as it is (a number stays a
 * number); inside longer text it is written out. Nested objects and lists are mapped the same way.
 */
export function toolArguments(template: unknown, planned: PlannedAction, cluster?: ToolCluster): unknown {
  if (typeof template === 'string') {
    const whole = /^\{([^{}]+)\}$/.exec(template);
    if (whole !== null && template.match(placeholder)?.length === 1) return lookup(planned, cluster, whole[1]!);
    return template.replace(placeholder, (_match, path: string) => String(lookup(planned, cluster, path) ?? ''));
  }
  if (Array.isArray(template)) return template.map((item) => toolArguments(item, planned, cluster));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, toolArguments(value, planned, cluster)]));
  }
  return template;
}
