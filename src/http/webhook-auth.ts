import { createHash, timingSafeEqual } from 'node:crypto';

export interface WebhookCredentials {
  token?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
}

export type AuthDecision = { ok: true } | { ok: false; reason: 'missing' | 'invalid' | 'not_loopback' };

/**
 * Bearer token and/or basic auth, the two Alertmanager's http_config offers, compared in constant time.
 * With no credentials configured, only loopback callers are let in (said at start-up).
 */
export function checkWebhookAuth(credentials: WebhookCredentials, authorization: string | undefined, remoteAddress: string | undefined): AuthDecision {
  const configured = Boolean(credentials.token || credentials.user);
  if (!configured) return isLoopback(remoteAddress) ? { ok: true } : { ok: false, reason: 'not_loopback' };
  if (!authorization) return { ok: false, reason: 'missing' };
  const [scheme = '', value = ''] = authorization.split(/\s+/, 2);
  if (credentials.token && scheme.toLowerCase() === 'bearer' && safeEqual(value, credentials.token)) return { ok: true };
  if (credentials.user && credentials.password && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const userMatches = safeEqual(decoded.slice(0, separator), credentials.user);
    const passwordMatches = safeEqual(decoded.slice(separator + 1), credentials.password);
    if (separator > 0 && userMatches && passwordMatches) return { ok: true };
  }
  return { ok: false, reason: 'invalid' };
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
