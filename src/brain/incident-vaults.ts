import type { Buffer } from 'node:buffer';
import type { Kysely } from 'kysely';
import { createVault, type PseudonymVault } from '../privacy/pseudonym-vault.ts';
import { loadIncidentVault, saveIncidentVault } from '../privacy/vault-repository.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

export type VaultUse<T> = { ok: true; value: T; vault: PseudonymVault } | { ok: false; message: string };

/** Where the brain keeps each incident's pseudonyms between analyses. */
export interface IncidentVaults {
  /**
   * Runs `use` on the incident's vault and keeps the labels it issued. Fails closed (a wrong key, a corrupt
   * vault): then nothing is sent to any model. Without an incident id, a fresh vault for this call alone.
   */
  update<T>(incidentId: string | undefined, use: (vault: PseudonymVault) => T): Promise<VaultUse<T>>;
}

/**
 * Vaults sealed in PostgreSQL (migrations/0007). The row is locked only while the request is pseudonymized,
 * never while a model thinks: analyses of one incident run one at a time anyway (ADR 0009).
 */
export function databaseVaults(db: Kysely<DatabaseSchema>, key: Buffer): IncidentVaults {
  return {
    async update(incidentId, use) {
      if (incidentId === undefined) return withFreshVault(use);
      return db.transaction().execute(async (trx) => {
        const opened = await loadIncidentVault(trx, incidentId, key, { forUpdate: true });
        if (!opened.ok) return { ok: false, message: opened.error.message };
        const before = opened.vault.size;
        const value = use(opened.vault);
        if (opened.vault.size !== before) await saveIncidentVault(trx, incidentId, opened.vault, key);
        return { ok: true, value, vault: opened.vault };
      });
    },
  };
}

/** A fresh vault per call, kept nowhere: `awoooi analyze`, which has no database. */
export const ephemeralVaults: IncidentVaults = {
  update: async (_incidentId, use) => withFreshVault(use),
};

function withFreshVault<T>(use: (vault: PseudonymVault) => T): VaultUse<T> {
  const vault = createVault();
  return { ok: true, value: use(vault), vault };
}
