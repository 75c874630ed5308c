import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * @fastify/helmet's settings for every console response: no inline script, no framing, no sniffing, no
 * referrer, and HSTS once the public URL is https.
 */
export function helmetOptions(options: { https: boolean }): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000 } : false,
  };
}

/** The console's refusal: a status and `{ok: false, error: {code, message}}`, the message safe to show. */
export const refused = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ ok: false, error: { code, message } });

/**
 * False when the browser says the request comes from another site: an Origin header naming neither this
 * host nor the configured public URL (or "null"), or Sec-Fetch-Site other than same-origin/none. Requests
 * without either header (curl, old browsers) pass here and still need the CSRF token.
 */
export function isSameOrigin(request: FastifyRequest, publicUrl?: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    const from = new URL(origin);
    if (publicUrl !== undefined && from.origin === new URL(publicUrl).origin) return true;
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
