import pRetry from 'p-retry';
import { deadline } from '../ports/call-options.ts';
import type { CallOptions } from '../ports/call-options.ts';
import type { PagerError, PagerResult } from '../ports/pager-port.ts';

class RetryableFailure extends Error {
  readonly failure: PagerError;
  constructor(failure: PagerError) {
    super(failure.message);
    this.failure = failure;
  }
}

// A provider asking for a longer wait than this is left for the next escalation step.
const longestWaitMilliseconds = 30_000;

/**
 * One provider call with retries (p-retry): a retryable failure (429, 5xx, network) is tried again after an
 * exponential, jittered backoff, or after the provider's Retry-After when it gave one; anything else ends at once.
 * Each attempt has its own deadline. The last outcome comes back as a value, never as an exception.
 */
export async function callWithRetries<T>(
  call: (options: CallOptions) => Promise<PagerResult<T>>,
  options: { attempts: number; retryMilliseconds: number; timeoutMilliseconds: number; onRetry?: (failure: PagerError, attempt: number) => void },
): Promise<PagerResult<T> & { attempts: number }> {
  let attempts = 0;
  try {
    const result = await pRetry(
      async () => {
        attempts++;
        const outcome = await call({ signal: deadline(options.timeoutMilliseconds) }).catch(
          (error: unknown): PagerResult<T> => ({
            ok: false,
            error: { code: 'unavailable', message: error instanceof Error ? error.message : String(error), retryable: true },
          }),
        );
        if (!outcome.ok && outcome.error.retryable) throw new RetryableFailure(outcome.error);
        return outcome;
      },
      {
        retries: options.attempts - 1,
        minTimeout: options.retryMilliseconds,
        factor: 2,
        randomize: true,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!(error instanceof RetryableFailure) || retriesLeft === 0) return;
          options.onRetry?.(error.failure, attemptNumber);
          const wait = Math.min(error.failure.retryAfterMilliseconds ?? 0, longestWaitMilliseconds);
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        },
      },
    );
    return { ...result, attempts };
  } catch (error) {
    if (error instanceof RetryableFailure) return { ok: false, error: error.failure, attempts };
    throw error;
  }
}
