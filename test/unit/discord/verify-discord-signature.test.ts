import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { discordPublicKey, verifyDiscordSignature } from '../../../adapters/discord/verify-discord-signature.ts';
import { discordSigner } from '../../support/discord-signer.ts';

// RFC 8032 section 7.1, TEST 1: the published Ed25519 vector (empty message), to show the raw key is read right.
const rfcPublicKey = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const rfcSignature = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

const body = JSON.stringify({ id: '787053080478613555', token: 'ThisIsATokenFromDiscordThatIsVeryLong', type: 1, version: 1 });
const now = new Date('2026-03-01T03:00:00Z');

describe('verifyDiscordSignature', () => {
  const signer = discordSigner();
  const key = discordPublicKey(signer.publicKeyHex)!;
  const request = (headers: Record<string, string>, raw = body) => ({
    timestamp: headers['x-signature-timestamp'],
    signature: headers['x-signature-ed25519'],
    rawBody: Buffer.from(raw),
  });

  it('reads a raw 32-byte public key as RFC 8032 publishes it', () => {
    const published = discordPublicKey(rfcPublicKey)!;
    expect(verify(null, Buffer.alloc(0), published, Buffer.from(rfcSignature, 'hex'))).toBe(true);
    expect(verify(null, Buffer.from('x'), published, Buffer.from(rfcSignature, 'hex'))).toBe(false);
    expect(discordPublicKey('not hex')).toBeUndefined();
    expect(discordPublicKey(rfcPublicKey.slice(2))).toBeUndefined();
  });

  it('accepts a good signature over timestamp + raw body', () => {
    expect(verifyDiscordSignature(request(signer.headers(body, now)), key, now)).toEqual({ ok: true });
  });

  it('refuses a tampered body, a tampered signature, another key and a moved timestamp', () => {
    const headers = signer.headers(body, now);
    expect(verifyDiscordSignature(request(headers, body.replace('"type":1', '"type":3')), key, now)).toEqual({ ok: false, reason: 'mismatch' });
    const signature = headers['x-signature-ed25519']!;
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expect(verifyDiscordSignature(request({ ...headers, 'x-signature-ed25519': flipped }), key, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyDiscordSignature(request(headers), discordPublicKey(discordSigner().publicKeyHex)!, now)).toEqual({ ok: false, reason: 'mismatch' });
    // The timestamp is signed too: changing it (to dodge the window) breaks the signature.
    const later = String(Number(headers['x-signature-timestamp']) + 1);
    expect(verifyDiscordSignature(request({ ...headers, 'x-signature-timestamp': later }), key, now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a stale or future timestamp even with a valid signature, and missing or malformed headers', () => {
    const old = signer.headers(body, new Date(now.getTime() - 6 * 60_000));
    expect(verifyDiscordSignature(request(old), key, now)).toEqual({ ok: false, reason: 'stale' });
    const future = signer.headers(body, new Date(now.getTime() + 6 * 60_000));
    expect(verifyDiscordSignature(request(future), key, now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyDiscordSignature({ timestamp: undefined, signature: undefined, rawBody: Buffer.from(body) }, key, now)).toEqual({
      ok: false,
      reason: 'missing',
    });
    const headers = signer.headers(body, now);
    expect(verifyDiscordSignature(request({ ...headers, 'x-signature-ed25519': 'zz' }), key, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
