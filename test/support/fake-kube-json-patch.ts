import { isDeepStrictEqual } from 'node:util';

/** One RFC 6902 operation as the fake API server reads it. */
export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/** Why a patch did not apply, worded as the API server's json-patch library words it. */
export class PatchFailure extends Error {}

function tokens(path: string): string[] {
  if (!path.startsWith('/')) throw new PatchFailure(`invalid path ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(document: Record<string, unknown>, path: string): { parent: Record<string, unknown>; key: string } {
  const parts = tokens(path);
  const key = parts.pop()!;
  let node: unknown = document;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null || !(part in node)) throw new PatchFailure(`add operation does not apply: doc is missing path: "${path}"`);
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'object' || node === null) throw new PatchFailure(`doc is missing path: "${path}"`);
  return { parent: node as Record<string, unknown>, key };
}

/** Applies a JSON patch to a copy of `document` (objects only: the fake never patches into arrays). */
export function applyJsonPatch<T extends object>(document: T, operations: readonly PatchOperation[]): T {
  const copy = structuredClone(document) as Record<string, unknown>;
  for (const operation of operations) {
    const { parent, key } = parentOf(copy, operation.path);
    switch (operation.op) {
      case 'test':
        if (!isDeepStrictEqual(parent[key], operation.value)) throw new PatchFailure(`testing value ${operation.path} failed: test failed`);
        break;
      case 'add':
        parent[key] = structuredClone(operation.value);
        break;
      case 'replace':
        if (!(key in parent)) throw new PatchFailure(`replace operation does not apply: doc is missing key: ${operation.path}`);
        parent[key] = structuredClone(operation.value);
        break;
      case 'remove':
        if (!(key in parent)) throw new PatchFailure(`remove operation does not apply: doc is missing key: ${operation.path}`);
        delete parent[key];
        break;
      default:
        throw new PatchFailure(`unexpected kind: ${operation.op}`);
    }
  }
  return copy as T;
}
