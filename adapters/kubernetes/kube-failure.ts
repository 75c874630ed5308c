import { ApiException } from '@kubernetes/client-node';
import { z } from 'zod';
import type { ClusterError } from '../../src/ports/cluster-port.ts';

/** Deliberately partial: the fields of a Kubernetes `Status` body that the adapter reads. */
const statusShape = z.object({
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z.object({ causes: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional() }).optional(),
});

/** What went wrong with one API call, as far as the answer tells. `status` is null when no answer came. */
export interface KubeFailure {
  status: number | null;
  reason: string;
  message: string;
  causes: string[];
}

/**
 * Reads an error of the client. Rethrows the signal's reason when the call was cut off (the port's contract), and
 * errors that are not about the API (bugs) as they are.
 */
export function kubeFailure(error: unknown, signal: AbortSignal): KubeFailure {
  if (signal.aborted) throw signal.reason;
  if (error instanceof ApiException) {
    const body = parseStatus(error.body);
    return {
      status: error.code,
      reason: body?.reason ?? '',
      message: body?.message ?? `HTTP ${error.code}`,
      causes: (body?.details?.causes ?? []).map((cause) => cause.message ?? cause.reason ?? '').filter(Boolean),
    };
  }
  // undici's fetch: a connection that failed (refused, reset, DNS) is a TypeError whose cause says why.
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: null, reason: 'Unreachable', message: `API server unreachable (${cause?.code ?? cause?.message ?? error.message})`, causes: [] };
  }
  throw error;
}

function parseStatus(body: unknown): z.infer<typeof statusShape> | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  const parsed = statusShape.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A failed JSON-patch `test` (the API server answers 422): the object changed under the write. */
export function isFailedTest(failure: KubeFailure): boolean {
  return failure.status === 422 && /\btest\b/i.test(failure.message);
}

/**
 * The port's error for a failed write. 409 (stale precondition) and a failed `test` mean the state changed since
 * the dry-run: the core voids the proposal instead of retrying. 401/403 fail closed.
 */
export function clusterErrorOf(failure: KubeFailure, what: string): ClusterError {
  const detail = `${what}: ${failure.message}`;
  if (failure.status === null) return { code: 'unavailable', message: detail, retryable: true };
  if (failure.status === 409 || isFailedTest(failure)) return { code: 'state_changed', message: detail, retryable: false };
  if (failure.status === 401 || failure.status === 403) return { code: 'forbidden', message: detail, retryable: false };
  if (failure.status === 404) return { code: 'not_found', message: detail, retryable: false };
  if (failure.status === 400 || failure.status === 422) return { code: 'invalid', message: detail, retryable: false };
  if (failure.status === 429 || failure.status >= 500) return { code: 'unavailable', message: detail, retryable: true };
  return { code: 'failed', message: detail, retryable: false };
}
