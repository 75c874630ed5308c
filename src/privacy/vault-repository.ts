import type { Buffer } from 'node:buffer';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { IncidentVaultTable } from './incident-vault.table.ts';
import { createVault, type PseudonymVault } from './pseudonym-vault.ts';
import { type OpenVaultResult, openVault, sealVault } from './vault-cipher.ts';

// The table is this feature's own; it joins the shared schema here rather than in src/storage.
const withVaults = (db: Kysely<DatabaseSchema>) => db.withTables<{ incident_vaults: IncidentVaultTable }>();

/** Seals `vault` and stores it as the incident's vault, replacing the previous one. */
export async function saveIncidentVault(db: Kysely<DatabaseSchema>, incidentId: string, vault: PseudonymVault, key: Buffer): Promise<void> {
  const sealed = sealVault(vault, key, incidentId);
  const row = { ciphertext: sealed.ciphertext, nonce: sealed.nonce, key_id: sealed.keyId, updated_at: new Date() };
  await withVaults(db)
    .insertInto('incident_vaults')
    .values({ incident_id: incidentId, ...row })
    .onConflict((conflict) => conflict.column('incident_id').doUpdateSet(row))
    .execute();
}

export interface LoadVaultOptions {
  /**
   * Lock the row until the transaction ends (pass a transaction as `db`): two workers pseudonymizing for the
   * same incident would otherwise each extend their own copy and one would lose the other's labels.
   */
  forUpdate?: boolean;
}

/** The incident's vault (empty when it has none yet), or why it cannot be opened: a wrong key fails closed. */
export async function loadIncidentVault(db: Kysely<DatabaseSchema>, incidentId: string, key: Buffer, options: LoadVaultOptions = {}): Promise<OpenVaultResult> {
  let query = withVaults(db).selectFrom('incident_vaults').select(['ciphertext', 'nonce', 'key_id']).where('incident_id', '=', incidentId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) return { ok: true, vault: createVault() };
  return openVault({ ciphertext: row.ciphertext, nonce: row.nonce, keyId: row.key_id }, key, incidentId);
}
