import type { ColumnType } from 'kysely';

/** Row shape of `incident_knowledge` (migrations/0011): one resolved incident, as the next one looks it up. */
export interface IncidentKnowledgeTable {
  incident_id: string;
  number: ColumnType<string, string | number, never>;
  title: string;
  services: ColumnType<string[], string[], string[]>;
  alert_names: ColumnType<string[], string[], string[]>;
  root_cause: string | null;
  diagnosis: string | null;
  /** The action that ran, e.g. "restart deployment shop/checkout", null when none did. */
  action: string | null;
  /** How that action ended (SUCCEEDED, FAILED, VOIDED), null when none ran. */
  outcome: string | null;
  opened_at: ColumnType<Date, Date, never>;
  resolved_at: ColumnType<Date, Date, Date>;
  minutes_to_resolve: ColumnType<string, number, number>;
  recorded_at: ColumnType<Date, never, never>;
  search: ColumnType<string, never, never>;
  /** migrations/0019: the entry's shielded text embedded by `embedding_model`; NULL until the embedder wrote it. */
  embedding: ColumnType<number[] | null, never, number[] | null>;
  embedding_model: ColumnType<string | null, never, string | null>;
  /** A replica embedding the row holds it until then (ADR 0034). */
  embedding_claimed_until: ColumnType<Date | null, never, Date | null>;
}
