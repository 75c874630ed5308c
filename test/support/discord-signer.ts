import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** A test application's Ed25519 key pair: the public key as DISCORD_PUBLIC_KEY takes it (64 hex), and a signer. */
export function discordSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  return { publicKeyHex, headers: (body: string, at: Date = new Date()) => signedHeaders(privateKey, body, at) };
}

/** The headers Discord sends with an interaction: X-Signature-Ed25519 over timestamp + body, X-Signature-Timestamp. */
export function signedHeaders(privateKey: KeyObject, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  return { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}
