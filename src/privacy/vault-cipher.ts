import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PseudonymVault } from './pseudonym-vault.ts';

/** A vault as it rests in the database: AES-256-GCM ciphertext (tag appended), its nonce, and which key sealed it. */
export interface SealedVault {
  ciphertext: Buffer;
  nonce: Buffer;
  keyId: string;
}

export type OpenVaultError =
  | { code: 'vault_key_mismatch'; message: string }
  | { code: 'vault_corrupt'; message: string }
  | { code: 'vault_key_invalid'; message: string };
export type OpenVaultResult = { ok: true; vault: PseudonymVault } | { ok: false; error: OpenVaultError };

const tagLength = 16;
const format = 1;

/** Names a key without revealing it: which key sealed a vault, so a wrong key is named as such, not as damage. */
export function vaultKeyId(key: Buffer): string {
  return createHash('sha256').update('awoooi vault key id\0').update(key).digest('hex').slice(0, 16);
}

// The incident id is authenticated data: a vault copied onto another incident's row does not open.
const associatedData = (incidentId: string) => Buffer.from(`awoooi vault v${format}\0${incidentId}`);

function checkKey(key: Buffer): OpenVaultError | undefined {
  return key.length === 32 ? undefined : { code: 'vault_key_invalid', message: `the vault key must be 32 bytes, got ${key.length}` };
}

/** Seals `vault` for `incidentId` with a fresh random nonce. */
export function sealVault(vault: PseudonymVault, key: Buffer, incidentId: string): SealedVault {
  const invalid = checkKey(key);
  if (invalid) throw new Error(invalid.message);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagLength });
  cipher.setAAD(associatedData(incidentId));
  const plaintext = Buffer.from(JSON.stringify({ format, entries: vault.entries() }));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  return { ciphertext, nonce, keyId: vaultKeyId(key) };
}

/** Opens a sealed vault, or says why not; it never returns a vault it could not authenticate (fails closed). */
export function openVault(sealed: SealedVault, key: Buffer, incidentId: string): OpenVaultResult {
  const invalid = checkKey(key);
  if (invalid) return { ok: false, error: invalid };
  const keyId = vaultKeyId(key);
  if (sealed.keyId !== keyId)
    return {
      ok: false,
      error: {
        code: 'vault_key_mismatch',
        message: `incident ${incidentId}'s vault was sealed with key ${sealed.keyId}, but the configured key is ${keyId} (AWOOOI_VAULT_KEY changed?)`,
      },
    };
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce, { authTagLength: tagLength });
    decipher.setAAD(associatedData(incidentId));
    decipher.setAuthTag(sealed.ciphertext.subarray(sealed.ciphertext.length - tagLength));
    plaintext = Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, sealed.ciphertext.length - tagLength)), decipher.final()]);
  } catch {
    return { ok: false, error: { code: 'vault_corrupt', message: `incident ${incidentId}'s vault does not authenticate (altered, or not this incident's)` } };
  }
  const document = JSON.parse(plaintext.toString('utf8')) as { format?: unknown; entries?: unknown };
  plaintext.fill(0);
  const vault = document.format === format && Array.isArray(document.entries) ? PseudonymVault.fromEntries(document.entries as [string, string][]) : undefined;
  if (vault === undefined) return { ok: false, error: { code: 'vault_corrupt', message: `incident ${incidentId}'s vault has an unknown layout` } };
  return { ok: true, vault };
}
