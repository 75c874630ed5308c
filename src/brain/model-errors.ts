import type { ModelError } from '../ports/model-port.ts';
import { failureText } from '../ports/call-options.ts';
import { redactSecrets } from '../privacy/redact-secrets.ts';

// A provider's error text goes into logs and onto the card ("why rules answered"): short, and scrubbed of any
// key it may echo ("Incorrect API key provided: sk-…").
const maximumMessageLength = 300;

function clean(message: string, secrets: readonly string[] = []): string {
  let flat = redactSecrets(message.replace(/\s+/g, ' ').trim());
  // The adapter's own key, whatever its shape: the shield's detectors know no provider key format.
  for (const secret of secrets) if (secret.length >= 8) flat = flat.replaceAll(secret, '[redacted]');
  return flat.length > maximumMessageLength ? `${flat.slice(0, maximumMessageLength)}…` : flat;
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * An HTTP answer that is not 2xx, as a value. Retryable: 408, 409 (Anthropic's "try again"), 425, 429 and
 * every 5xx (529 is Anthropic's "overloaded"). Any other 4xx is our request or our key: asking again cannot help.
 */
export function modelErrorFromStatus(provider: string, status: number, message: string, retryAfter?: string | null, secrets?: readonly string[]): ModelError {
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  const text = clean(`${provider} answered ${status}${message ? `: ${message}` : ''}`, secrets);
  const base = { status, message: text, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  if (status === 429) return { code: 'rate_limited', retryable: true, ...base };
  if (status >= 500 || status === 408 || status === 409 || status === 425) return { code: 'unavailable', retryable: true, ...base };
  return { code: 'failed', retryable: false, ...base };
}

/** A call that was cut off by its deadline, or never reached the provider (refused, reset, DNS). */
export function modelErrorFromTransport(provider: string, error: unknown, signal: AbortSignal): ModelError {
  if (signal.aborted) return { code: 'timeout', retryable: true, message: clean(`${provider}: ${failureText(error, signal)}`) };
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return { code: 'unavailable', retryable: true, message: clean(`${provider} unreachable: ${failureText(error)}${cause}`) };
}

/**
 * A stream that stopped before its last event: cut off by the deadline (the SDKs end the iteration quietly on
 * abort), or by the connection. Either way the text so far is not an answer.
 */
export function streamCutOff(provider: string, signal: AbortSignal): ModelError {
  if (signal.aborted) return modelErrorFromTransport(provider, signal.reason, signal);
  return { code: 'unavailable', retryable: true, message: clean(`${provider}: the stream ended before the answer did`) };
}

/** An answer that is not what the API promises (not JSON, missing fields, cut off): the provider, not the network. */
export function invalidResponse(provider: string, what: string): ModelError {
  return { code: 'invalid_response', retryable: false, message: clean(`${provider}: ${what}`) };
}

/** The message in an error body: `{"error": "…"}` (Ollama), `{"error": {"message": "…"}}` (OpenAI, Anthropic), else the text cut short. */
export function errorBodyText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown } | null;
    const error = parsed?.error;
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
      return (error as { message: string }).message;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 200);
}
