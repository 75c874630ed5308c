import type { V1LabelSelector } from '@kubernetes/client-node';

/** Whether `labels` match a label selector, as the API server evaluates it. An empty selector matches everything. */
export function selects(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = have[expression.key];
    const values = expression.values ?? [];
    const holds =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : expression.operator === 'DoesNotExist'
              ? value === undefined
              : false;
    if (!holds) return false;
  }
  return true;
}

/** `matchLabels` as a `labelSelector` query ("app=checkout,tier=web"); undefined when there are none. */
export function selectorQuery(selector: V1LabelSelector | undefined): string | undefined {
  const entries = Object.entries(selector?.matchLabels ?? {});
  return entries.length === 0 ? undefined : entries.map(([key, value]) => `${key}=${value}`).join(',');
}
