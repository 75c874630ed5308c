import type { CallOptions } from '../../src/ports/call-options.ts';
import type { PagerError, PagerResult } from '../../src/ports/pager-port.ts';

/** An answer body as text (for the adapter's partial zod schema) and its status. */
export interface ProviderAnswer {
  status: number;
  text: string;
}

/**
 * One HTTP request to a paging provider (fetch, so a test's local server or nock sees it), with the outcome as a
 * value: 2xx is the answer; 429 and 5xx and network failures are retryable (with the Retry-After it gave); any
 * other status is final. `name` prefixes messages; URLs and bodies (which may hold keys or phone numbers) never
 * appear in them.
 */
export async function providerRequest(
  name: string,
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
  options: CallOptions,
): Promise<PagerResult<ProviderAnswer>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'POST',
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: options.signal,
    });
  } catch (error) {
    const reason = options.signal.aborted ? String((options.signal.reason as Error | undefined)?.message ?? 'aborted') : (error as Error).message;
    return { ok: false, error: { code: 'unavailable', message: `${name} unreachable: ${reason}`, retryable: true } };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return { ok: true, value: { status: response.status, text } };
  return { ok: false, error: failureOf(name, response.status, response.headers.get('retry-after'), text) };
}

function failureOf(name: string, status: number, retryAfter: string | null, text: string): PagerError {
  // The provider's own words, short: they say what was wrong (an unknown number, a bad key) and hold no secret of ours.
  const said = text.replace(/\s+/g, ' ').slice(0, 200);
  const message = `${name} answered ${status}${said ? `: ${said}` : ''}`;
  if (status === 429) {
    const wait = retryAfterMilliseconds(retryAfter);
    return { code: 'rate_limited', message, retryable: true, ...(wait === undefined ? {} : { retryAfterMilliseconds: wait }) };
  }
  if (status >= 500) return { code: 'unavailable', message, retryable: true };
  return { code: status === 400 || status === 422 ? 'invalid' : 'refused', message, retryable: false };
}

function retryAfterMilliseconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** JSON of an answer, or undefined when it is not JSON (the adapter's schema then decides). */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
