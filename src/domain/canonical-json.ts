import { createHash } from 'node:crypto';

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

/** Hex SHA-256 of UTF-8 text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
