import { createHmac, timingSafeEqual } from 'node:crypto';

/** `v1=` + hex HMAC-SHA256 of the raw body, keyed with the webhook subscription's secret. */
export function pagerDutySignature(secret: string, rawBody: Buffer): string {
  return `v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * Whether X-PagerDuty-Signature holds our signature of the raw body. The header may list several, comma-separated
 * (PagerDuty sends one per active secret while a secret rotates); any one matching is enough. Constant time.
 */
export function verifyPagerDutySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (header === undefined || header.length > 2000) return false;
  const expected = Buffer.from(pagerDutySignature(secret, rawBody));
  let matched = false;
  for (const candidate of header.split(',').map((part) => Buffer.from(part.trim()))) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}
