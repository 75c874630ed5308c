import { createHash } from 'node:crypto';
import type { DryRunResult, PlannedAction } from '../ports/cluster-port.ts';

/**
 * JSON with object keys sorted at every level, so that equal values always give equal text
 * whatever order their keys were built in. Follows JSON.stringify for the rest: `undefined`
 * object members are left out (an absent namespace and `namespace: undefined` are the same plan),
 * non-finite numbers become null, `toJSON` is honoured (Dates).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sortKeys(withJson.toJSON());
  if (Array.isArray(value)) return value.map(sortKeys);
  const record = value as Record<string, unknown>;
  // Null prototype: a "__proto__" key from untrusted input stays an ordinary key.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) sorted[key] = sortKeys(record[key]);
  return sorted;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * What a signature is bound to: the action, its target and parameters, and the state the dry-run saw.
 * Any change to one of them gives another hash, so signatures collected for the old plan do not carry over.
 */
export function planHash(planned: PlannedAction, dryRunState: DryRunResult['state']): string {
  // The version tag lets a future change of the hashed shape never collide with old hashes.
  return sha256Hex(
    canonicalJson({
      v: 1,
      action: planned.action,
      target: planned.target,
      params: planned.params,
      state: dryRunState,
    }),
  );
}
