import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SlackSignedRequest {
  /** `X-Slack-Request-Timestamp` */
  timestamp: string | undefined;
  /** `X-Slack-Signature` */
  signature: string | undefined;
  /** The body exactly as received. */
  rawBody: Buffer;
}

export type SlackSignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/** Slack's window: a request signed longer ago than this (or that far ahead) is refused as a possible replay. */
export const slackSignatureWindowSeconds = 5 * 60;

/**
 * Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret,
 * over the raw bytes before anything is parsed, compared in constant time, the timestamp within five minutes
 * of `now`.
 */
export function verifySlackSignature(request: SlackSignedRequest, signingSecret: string, now: Date): SlackSignatureCheck {
  const { timestamp, signature, rawBody } = request;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp) || !signature.startsWith('v0=')) {
    return { ok: false, reason: 'missing' };
  }
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > slackSignatureWindowSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Signs a body as Slack does; for the fake Slack of the tests and the demo. */
export function signSlackRequest(body: string, signingSecret: string, timestamp: number): { timestamp: string; signature: string } {
  const stamp = String(timestamp);
  return { timestamp: stamp, signature: `v0=${createHmac('sha256', signingSecret).update(`v0:${stamp}:${body}`).digest('hex')}` };
}
