import type { LabelKind } from './entity-type.ts';
import { labelPattern, type PseudonymVault } from './pseudonym-vault.ts';

/** A label the vault never issued: invented by a model, or copied from another incident. Refused, not passed on. */
export interface UnknownLabelsError {
  code: 'unknown_labels';
  labels: string[];
}

export type RehydrateResult<T> = { ok: true; value: T } | { ok: false; error: UnknownLabelsError };

export interface RehydrateOptions {
  /** Kinds whose labels are replaced by their values; other known labels stay labels. Default: every kind. */
  allowed?: readonly LabelKind[];
}

function replaceLabels(text: string, vault: PseudonymVault, allowed: ReadonlySet<string> | undefined, unknown: Set<string>): string {
  if (!text.includes('[')) return text;
  return text.replace(labelPattern, (label: string, kind: string) => {
    const value = vault.valueOf(label);
    if (value === undefined) {
      unknown.add(label);
      return label;
    }
    return allowed === undefined || allowed.has(kind) ? value : label;
  });
}

function outcome<T>(value: T, unknown: Set<string>): RehydrateResult<T> {
  return unknown.size === 0 ? { ok: true, value } : { ok: false, error: { code: 'unknown_labels', labels: [...unknown] } };
}

/** Puts the values back into `text`, for authorized people; any label the vault does not hold refuses the whole text. */
export function rehydrate(text: string, vault: PseudonymVault, options: RehydrateOptions = {}): RehydrateResult<string> {
  const unknown = new Set<string>();
  const value = replaceLabels(text, vault, options.allowed && new Set(options.allowed), unknown);
  return outcome(value, unknown);
}

/**
 * Rehydrates structured data (a planned action's target and parameters) at the execution boundary: every
 * string, key or value, in arrays and plain objects. Refused as a whole when any label is unknown.
 */
export function rehydrateValue<T>(value: T, vault: PseudonymVault, options: RehydrateOptions = {}): RehydrateResult<T> {
  const unknown = new Set<string>();
  const allowed = options.allowed && new Set<string>(options.allowed);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return replaceLabels(node, vault, allowed, unknown);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype)
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [replaceLabels(key, vault, allowed, unknown), walk(child)]));
    return node;
  };
  return outcome(walk(value) as T, unknown);
}
