import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** How far a request's X-Signature-Timestamp may be from our clock (the same window as Slack's). */
const windowSeconds = 5 * 60;

// An Ed25519 public key in SPKI DER is this fixed prefix followed by the 32 raw key bytes.
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (Developer Portal → General Information), as node:crypto wants it; undefined if malformed. */
export function discordPublicKey(hex: string): KeyObject | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return createPublicKey({ key: Buffer.concat([spkiPrefix, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

export type DiscordSignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Discord's request signing: Ed25519 over `X-Signature-Timestamp + raw body` with the application's public key,
 * the signature hex in X-Signature-Ed25519. Checked on the raw bytes before anything is parsed; a timestamp more
 * than five minutes away is refused too, so a captured request cannot be replayed later. Verification is
 * node:crypto's (ADR 0028): no comparison of secrets happens here, so there is nothing to time.
 */
export function verifyDiscordSignature(
  request: { timestamp: string | undefined; signature: string | undefined; rawBody: Buffer },
  publicKey: KeyObject,
  now: Date,
): DiscordSignatureCheck {
  const { timestamp, signature, rawBody } = request;
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > windowSeconds) return { ok: false, reason: 'stale' };
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
  return verify(null, signed, publicKey, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
