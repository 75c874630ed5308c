import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const vaultKeyFileName = 'vault.key';

/** 32 bytes in base64 (standard or URL alphabet), as `openssl rand -base64 32` prints. */
export function parseVaultKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : undefined;
}

export type VaultKeySource = 'config' | 'data-dir' | 'generated' | 'ephemeral';
export type VaultKeyResult =
  | { ok: true; key: Buffer; source: VaultKeySource }
  | { ok: false; error: { code: 'vault_key_required' | 'vault_key_file_invalid' | 'vault_key_file_exposed'; message: string } };

export interface VaultKeyOptions {
  /** `privacy.vaultKey` (AWOOOI_VAULT_KEY), already checked by the config schema. */
  configuredKey?: string | undefined;
  dataDir: string;
  /** Embedded defaults (PGlite in the data dir): only then may a key be generated there. */
  embedded: boolean;
}

/**
 * The key that seals incident vaults: the configured one; on embedded defaults, the one in `<dataDir>/vault.key`
 * (generated on first use, mode 0600, then reused). With an external database a key is required: a key on one
 * replica's disk would leave the others unable to open the vaults.
 */
export function loadVaultKey(options: VaultKeyOptions): VaultKeyResult {
  if (options.configuredKey !== undefined) {
    const key = parseVaultKey(options.configuredKey);
    if (key) return { ok: true, key, source: 'config' };
    return { ok: false, error: { code: 'vault_key_required', message: 'AWOOOI_VAULT_KEY must be 32 bytes in base64 (openssl rand -base64 32)' } };
  }
  if (!options.embedded)
    return {
      ok: false,
      error: { code: 'vault_key_required', message: 'with DATABASE_URL, set AWOOOI_VAULT_KEY (openssl rand -base64 32), the same on every replica' },
    };
  if (options.dataDir === 'memory://') return { ok: true, key: randomBytes(32), source: 'ephemeral' };
  const path = join(options.dataDir, vaultKeyFileName);
  mkdirSync(options.dataDir, { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    const generated = readKeyFile(path);
    return generated.ok ? { ...generated, source: 'generated' } : generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeyFile(path);
}

function readKeyFile(path: string): VaultKeyResult {
  if ((statSync(path).mode & 0o077) !== 0)
    return { ok: false, error: { code: 'vault_key_file_exposed', message: `${path} is readable by other users; chmod 600 it` } };
  const key = parseVaultKey(readFileSync(path, 'utf8'));
  if (!key) return { ok: false, error: { code: 'vault_key_file_invalid', message: `${path} does not hold 32 bytes in base64` } };
  return { ok: true, key, source: 'data-dir' };
}
