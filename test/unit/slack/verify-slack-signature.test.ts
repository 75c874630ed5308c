import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from '../../../adapters/slack/verify-slack-signature.ts';

/** Slack's published worked example (test/fixtures/slack-signing-vector.txt, from Slack's docs). */
const vector = Object.fromEntries(
  readFileSync(new URL('../../fixtures/slack-signing-vector.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
) as { secret: string; timestamp: string; signature: string; body: string };

const at = (seconds: number) => new Date(seconds * 1000);
const signedAt = Number(vector.timestamp);
const request = { timestamp: vector.timestamp, signature: vector.signature, rawBody: Buffer.from(vector.body) };

describe('verifySlackSignature', () => {
  it("accepts Slack's published example", () => {
    expect(verifySlackSignature(request, vector.secret, at(signedAt))).toEqual({ ok: true });
    expect(signSlackRequest(vector.body, vector.secret, signedAt).signature).toBe(vector.signature);
  });

  it('refuses a tampered body, a wrong secret and a tampered signature', () => {
    const tampered = { ...request, rawBody: Buffer.from(vector.body.replace('roadrunner', 'wile-e')) };
    expect(verifySlackSignature(tampered, vector.secret, at(signedAt))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackSignature(request, `${vector.secret}x`, at(signedAt))).toEqual({ ok: false, reason: 'mismatch' });
    const flipped = `${vector.signature.slice(0, -1)}${vector.signature.endsWith('3') ? '4' : '3'}`;
    expect(verifySlackSignature({ ...request, signature: flipped }, vector.secret, at(signedAt))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackSignature({ ...request, signature: 'v0=abc' }, vector.secret, at(signedAt))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('checks the raw bytes, not a re-encoding of them', () => {
    const reencoded = Buffer.from(vector.body.replace('%2F', '/'));
    expect(verifySlackSignature({ ...request, rawBody: reencoded }, vector.secret, at(signedAt))).toMatchObject({ ok: false });
  });

  it('refuses a replay outside the five-minute window, either way, and keeps the edge', () => {
    expect(verifySlackSignature(request, vector.secret, at(signedAt + 300))).toEqual({ ok: true });
    expect(verifySlackSignature(request, vector.secret, at(signedAt + 301))).toEqual({ ok: false, reason: 'stale' });
    expect(verifySlackSignature(request, vector.secret, at(signedAt - 301))).toEqual({ ok: false, reason: 'stale' });
    expect(verifySlackSignature(request, vector.secret, at(signedAt + 86_400))).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses missing or malformed headers', () => {
    const now = at(signedAt);
    expect(verifySlackSignature({ ...request, signature: undefined }, vector.secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature({ ...request, timestamp: undefined }, vector.secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature({ ...request, timestamp: '1531420618.5' }, vector.secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature({ ...request, signature: vector.signature.replace('v0=', 'v1=') }, vector.secret, now)).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});
