import type { ColumnType, Generated, Selectable } from 'kysely';

/** Row shape of `alerts` (migrations/0001, 0005). */
export interface AlertTable {
  incident_id: string;
  fingerprint: string;
  name: string;
  status: 'firing' | 'resolved';
  severity: string;
  service: string | null;
  labels: ColumnType<Record<string, string>, string, string>;
  annotations: ColumnType<Record<string, string>, string, string>;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  source: string;
  group_key: string | null;
  generator_url: string | null;
  received_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Status and severity before the latest update; written by the ingest's upsert only. */
  previous_status: ColumnType<'firing' | 'resolved' | null, never, never>;
  previous_severity: ColumnType<string | null, never, never>;
}

export type AlertRow = Selectable<AlertTable>;
