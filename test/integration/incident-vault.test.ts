import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault } from '../../src/privacy/pseudonym-vault.ts';
import { pseudonymize } from '../../src/privacy/pseudonymize.ts';
import { loadIncidentVault, saveIncidentVault } from '../../src/privacy/vault-repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const secrets = ['10.20.30.40', 'oncall@example.com', 'hunter2-Secret', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'];

async function newIncident(database: TestDatabase): Promise<string> {
  const now = new Date();
  const row = await database.handle.db
    .insertInto('incidents')
    .values({ title: 'vault test', severity: 'warning', status: 'open', services: [], opened_at: now, last_alert_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('incident vault repository (real database)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('stores the vault sealed: no plaintext value anywhere in the row, and it opens to the same labels', async () => {
    const incidentId = await newIncident(database);
    const key = randomBytes(32);
    const vault = createVault();
    pseudonymize(`db ${secrets[0]} mail ${secrets[1]} password=${secrets[2]} token ${secrets[3]}`, vault);
    await saveIncidentVault(database.handle.db, incidentId, vault, key);
    const dump = await sql<{ row: string }>`SELECT row_to_json(v)::text AS row FROM incident_vaults v`.execute(database.handle.db);
    const raw = await sql<{ bytes: string }>`SELECT encode(ciphertext, 'escape') AS bytes FROM incident_vaults`.execute(database.handle.db);
    expect(dump.rows).toHaveLength(1);
    for (const value of secrets) {
      expect(dump.rows[0]!.row).not.toContain(value);
      expect(raw.rows[0]!.bytes).not.toContain(value);
    }
    const loaded = await loadIncidentVault(database.handle.db, incidentId, key);
    expect(loaded.ok && loaded.vault.entries()).toEqual(vault.entries());
  });

  it('fails closed with a clear error under a wrong key, and an incident without a vault starts empty', async () => {
    const incidentId = await newIncident(database);
    const vault = createVault();
    pseudonymize('10.1.1.1', vault);
    await saveIncidentVault(database.handle.db, incidentId, vault, randomBytes(32));
    const wrong = await loadIncidentVault(database.handle.db, incidentId, randomBytes(32));
    expect(wrong).toMatchObject({ ok: false, error: { code: 'vault_key_mismatch' } });
    expect(!wrong.ok && wrong.error.message).toMatch(/AWOOOI_VAULT_KEY changed/);
    const fresh = await loadIncidentVault(database.handle.db, await newIncident(database), randomBytes(32));
    expect(fresh.ok && fresh.vault.size).toBe(0);
  });

  it('extends a vault under a row lock and keeps earlier labels stable', async () => {
    const incidentId = await newIncident(database);
    const key = randomBytes(32);
    const vault = createVault();
    pseudonymize('first 10.9.9.1', vault);
    await saveIncidentVault(database.handle.db, incidentId, vault, key);
    await database.handle.db.transaction().execute(async (trx) => {
      const loaded = await loadIncidentVault(trx, incidentId, key, { forUpdate: true });
      if (!loaded.ok) throw new Error(loaded.error.message);
      expect(pseudonymize('then 10.9.9.2 and 10.9.9.1', loaded.vault).text).toBe('then [IP_2] and [IP_1]');
      await saveIncidentVault(trx, incidentId, loaded.vault, key);
    });
    const final = await loadIncidentVault(database.handle.db, incidentId, key);
    expect(final.ok && final.vault.entries()).toEqual([
      ['[IP_1]', '10.9.9.1'],
      ['[IP_2]', '10.9.9.2'],
    ]);
  });
});
