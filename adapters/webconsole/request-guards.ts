import type { FastifyRequest } from 'fastify';

/** Headers on every console response: no inline script, no framing, no sniffing, no referrer. */
export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * False when the browser says the request comes from another site: an Origin header naming another host
 * (or "null"), or Sec-Fetch-Site other than same-origin/none. Requests without either header (curl, old
 * browsers) pass here and still need the CSRF token.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    const from = new URL(origin);
    // Parsed the same way on both sides, so that an explicit default port (":443") compares equal.
    return from.host === new URL(`${from.protocol}//${request.headers.host ?? ''}`).host;
  } catch {
    return false;
  }
}

/** Cross-site forms cannot send application/json without a CORS preflight, which we never grant. */
export function isJsonRequest(request: FastifyRequest): boolean {
  return /^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

/** JSON with <, >, & and the JS line separators escaped, so no byte of hostile text can read as markup. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
