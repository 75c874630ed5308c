import type { ColumnType, Generated } from 'kysely';

/** Row shapes of the web console's tables (migrations/0004), known to this adapter only (a type, so kysely's withTables takes it). */
export type ConsoleTables = {
  console_sessions: {
    /** SHA-256 (base64url) of the cookie's session id; the id itself is never stored. */
    id_hash: string;
    person_id: string;
    created_at: Generated<Date>;
    expires_at: ColumnType<Date, Date, Date>;
  };
  console_rate_limits: {
    key_hash: string;
    hits: number;
    resets_at: ColumnType<Date, Date, Date>;
  };
  console_secrets: {
    name: string;
    secret: Buffer;
    created_at: Generated<Date>;
  };
};
