import type { PlannedAction } from '../../src/ports/cluster-port.ts';

const placeholder = /\{(target\.(?:kind|namespace|name)|params\.[A-Za-z0-9_]+)\}/g;

function lookup(planned: PlannedAction, path: string): unknown {
  const [root, key] = path.split('.', 2) as [string, string];
  const source: Record<string, unknown> = root === 'target' ? { ...planned.target } : planned.params;
  return source[key];
}

/**
 * A tool's arguments from the configured mapping: "{target.name}", "{target.namespace}", "{params.replicas}" are
 * replaced by the planned action's values. A string that is one placeholder takes the value as it is (a number stays a
 * number); inside longer text it is written out. Nested objects and lists are mapped the same way.
 */
export function toolArguments(template: unknown, planned: PlannedAction): unknown {
  if (typeof template === 'string') {
    const whole = /^\{([^{}]+)\}$/.exec(template);
    if (whole !== null && template.match(placeholder)?.length === 1) return lookup(planned, whole[1]!);
    return template.replace(placeholder, (_match, path: string) => String(lookup(planned, path) ?? ''));
  }
  if (Array.isArray(template)) return template.map((item) => toolArguments(item, planned));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, toolArguments(value, planned)]));
  }
  return template;
}
