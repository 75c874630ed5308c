/**
 * What every call through an outbound port (cluster, brain) takes: a signal that ends it. The caller builds it
 * from a deadline and, for executions, the lease; an adapter passes it on to its HTTP client or stops at the next
 * step it can, and rejects with `signal.reason`.
 */
export interface CallOptions {
  readonly signal: AbortSignal;
}

/** Why a call was cut off. `retryable`: a later attempt could succeed (it is never retried blindly, see ADR 0003). */
export class CallAborted extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = 'CallAborted';
  }
}

/**
 * A signal that fires after `milliseconds` (reason: "no answer within 30 s") or when one of `also` fires. The
 * timer does not keep the process alive.
 */
export function deadline(milliseconds: number, ...also: AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CallAborted(`no answer within ${seconds(milliseconds)}`)), milliseconds);
  timer.unref();
  controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return also.length === 0 ? controller.signal : AbortSignal.any([controller.signal, ...also]);
}

/** The reason an aborted signal gives, in words; what a thrown error says otherwise. */
export function failureText(error: unknown, signal?: AbortSignal): string {
  const cause = signal?.aborted ? signal.reason : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function seconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}
