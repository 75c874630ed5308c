import type { Severity } from './alert.ts';

const aliases: Record<string, Severity> = {
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  page: 'critical',
  p1: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  p2: 'high',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  minor: 'warning',
  p3: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
  p4: 'info',
  p5: 'info',
};

/** Maps the many spellings senders use onto four levels; unknown or missing is `warning`. */
export function normalizeSeverity(value: string | undefined): Severity {
  return (value && aliases[value.trim().toLowerCase()]) || 'warning';
}

const order: Record<Severity, number> = { critical: 0, high: 1, warning: 2, info: 3 };

/** Negative when `a` is worse than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return order[a] - order[b];
}
