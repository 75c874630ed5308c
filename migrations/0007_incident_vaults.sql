-- Frozen once landed: change the schema with a new file, never by editing this one.

-- One sealed pseudonym vault per incident (ADR 0011): label -> value, AES-256-GCM with the key of
-- privacy.vaultKey (AWOOOI_VAULT_KEY). No plaintext value is ever stored.
CREATE TABLE incident_vaults (
  incident_id uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  ciphertext bytea NOT NULL,
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 12),
  key_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
