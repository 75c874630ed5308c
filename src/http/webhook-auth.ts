import { createHash, timingSafeEqual } from 'node:crypto';

export interface WebhookCredentials {
  token?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
}

export type AuthDecision = { ok: true } | { ok: false; reason: 'missing' | 'invalid' };

/** Whether any credential is configured; without one the API is open, which start-up allows only on a loopback listener. */
export const hasWebhookCredentials = (credentials: WebhookCredentials): boolean => Boolean(credentials.token || credentials.user);

/**
 * Bearer token and/or basic auth, the two Alertmanager's http_config offers, compared in constant time.
 * With no credentials configured every caller is let in: start-up refuses that unless the LISTENER is
 * loopback (or AWOOOI_DEMO=true), because the peer's address proves nothing behind a mesh sidecar.
 */
export function checkWebhookAuth(credentials: WebhookCredentials, authorization: string | undefined): AuthDecision {
  if (!hasWebhookCredentials(credentials)) return { ok: true };
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
