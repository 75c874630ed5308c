import type { Buffer } from 'node:buffer';
import type { ColumnType } from 'kysely';

/** Row shape of `incident_vaults` (migrations/0007): one sealed vault per incident, never a plaintext value. */
export interface IncidentVaultTable {
  incident_id: string;
  ciphertext: Buffer;
  nonce: Buffer;
  key_id: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
