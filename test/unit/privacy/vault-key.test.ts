import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createVault } from '../../../src/privacy/pseudonym-vault.ts';
import { pseudonymize } from '../../../src/privacy/pseudonymize.ts';
import { openVault, sealVault } from '../../../src/privacy/vault-cipher.ts';
import { loadVaultKey } from '../../../src/privacy/vault-key.ts';

const incidentId = '7f1c2a9e-3b4d-4e5f-8a6b-9c0d1e2f3a4b';

describe('vault cipher (AES-256-GCM)', () => {
  it('seals a vault so that no value is readable, and opens it to the same labels', () => {
    const key = randomBytes(32);
    const vault = createVault();
    pseudonymize('db 10.0.4.17 password=hunter2 owner ops@example.com', vault);
    const sealed = sealVault(vault, key, incidentId);
    for (const value of ['10.0.4.17', 'hunter2', 'ops@example.com', 'IP_1']) expect(sealed.ciphertext.includes(Buffer.from(value)), value).toBe(false);
    const opened = openVault(sealed, key, incidentId);
    expect(opened.ok && opened.vault.entries()).toEqual(vault.entries());
    expect(sealVault(vault, key, incidentId).nonce.equals(sealed.nonce)).toBe(false);
  });

  it('fails closed: a wrong key, an altered byte or another incident never yields a vault', () => {
    const key = randomBytes(32);
    const vault = createVault();
    pseudonymize('10.0.0.1', vault);
    const sealed = sealVault(vault, key, incidentId);
    const wrongKey = openVault(sealed, randomBytes(32), incidentId);
    expect(wrongKey).toMatchObject({ ok: false, error: { code: 'vault_key_mismatch' } });
    expect(!wrongKey.ok && wrongKey.error.message).toMatch(/sealed with key [0-9a-f]{16}, but the configured key is [0-9a-f]{16}/);
    const altered = Buffer.from(sealed.ciphertext);
    altered[3]! ^= 1;
    expect(openVault({ ...sealed, ciphertext: altered }, key, incidentId)).toMatchObject({ ok: false, error: { code: 'vault_corrupt' } });
    expect(openVault(sealed, key, '00000000-0000-4000-8000-000000000000')).toMatchObject({ ok: false, error: { code: 'vault_corrupt' } });
    // A key id forged to match the wrong key still does not open: GCM authenticates with the key itself.
    const otherKey = randomBytes(32);
    const forged = { ...sealed, keyId: sealVault(createVault(), otherKey, incidentId).keyId };
    expect(openVault(forged, otherKey, incidentId)).toMatchObject({ ok: false, error: { code: 'vault_corrupt' } });
  });
});

describe('the vault key', () => {
  it('is generated once into the data dir with mode 0600 on embedded defaults, then reused', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'awoooi-key-')), 'data');
    const first = loadVaultKey({ dataDir, embedded: true });
    expect(first).toMatchObject({ ok: true, source: 'generated' });
    expect(statSync(join(dataDir, 'vault.key')).mode & 0o777).toBe(0o600);
    const second = loadVaultKey({ dataDir, embedded: true });
    expect(second).toMatchObject({ ok: true, source: 'data-dir' });
    expect(first.ok && second.ok && first.key.equals(second.key)).toBe(true);
    expect(readFileSync(join(dataDir, 'vault.key'), 'utf8').trim()).toBe(first.ok ? first.key.toString('base64') : '');
  });

  it('refuses a key file others can read, and requires a configured key with an external database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'awoooi-key-'));
    loadVaultKey({ dataDir, embedded: true });
    chmodSync(join(dataDir, 'vault.key'), 0o644);
    expect(loadVaultKey({ dataDir, embedded: true })).toMatchObject({ ok: false, error: { code: 'vault_key_file_exposed' } });
    expect(loadVaultKey({ dataDir, embedded: false })).toMatchObject({ ok: false, error: { code: 'vault_key_required' } });
    const configured = randomBytes(32).toString('base64');
    const fromConfig = loadVaultKey({ configuredKey: configured, dataDir, embedded: false });
    expect(fromConfig.ok && fromConfig.key.toString('base64')).toBe(configured);
  });

  it('is validated by the config schema with a clear error that does not echo the value', () => {
    const good = randomBytes(32).toString('base64');
    const result = loadConfig({ AWOOOI_VAULT_KEY: good });
    expect(result.ok && result.config.privacy.vaultKey).toBe(good);
    for (const bad of ['not-a-key', randomBytes(16).toString('base64'), `${good}x`]) {
      const failed = loadConfig({ AWOOOI_VAULT_KEY: bad });
      expect(failed.ok).toBe(false);
      if (failed.ok) continue;
      expect(failed.errors).toEqual(['AWOOOI_VAULT_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)']);
    }
  });
});
