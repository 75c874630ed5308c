import { redactSecrets } from './redact-secrets.ts';

const maximumDepth = 8;

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

// An error keeps its class (pino's serializer reads its type and stack); message, stack, cause and every own
// field (an HTTP client's url, options, response) are scrubbed. Same object back when nothing changed.
function redactError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(error)) as Error & Record<string, unknown>;
  let changed = false;
  for (const key of new Set([...Object.getOwnPropertyNames(error), 'message', 'stack'])) {
    const original = (error as unknown as Record<string, unknown>)[key];
    const scrubbed = walk(original, depth + 1, seen);
    changed ||= scrubbed !== original;
    Object.defineProperty(copy, key, {
      value: scrubbed,
      enumerable: Object.prototype.propertyIsEnumerable.call(error, key),
      writable: true,
      configurable: true,
    });
  }
  return changed ? copy : error;
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null || depth > maximumDepth || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) return redactError(value, depth, seen);
  if (value instanceof URL) return redactSecrets(value.href);
  if (Array.isArray(value)) {
    const items = value.map((item) => walk(item, depth + 1, seen));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  // Class instances (a request, a Buffer, a Date) are left to their serializers; the stream hook still sees them.
  if (!isPlainObject(value)) return value;
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] = walk(child, depth + 1, seen);
    changed ||= copy[key] !== child;
  }
  return changed ? copy : value;
}

/**
 * A log argument with the secrets in its strings redacted (see `redactSecrets`): strings, plain objects,
 * arrays, errors (message, stack, cause, own fields) and URLs, to a bounded depth. The caller's objects are
 * never changed: what differs is copied.
 */
export function redactLogValue<T>(value: T): T {
  return walk(value, 0, new WeakSet()) as T;
}
