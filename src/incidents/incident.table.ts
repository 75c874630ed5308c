import type { ColumnType, Generated, Selectable } from 'kysely';

/** Row shape of `incidents` (migrations/0001). */
export interface IncidentTable {
  id: Generated<string>;
  number: ColumnType<string, never, never>;
  title: string;
  severity: string;
  status: 'open' | 'resolved';
  group_key: string | null;
  services: ColumnType<string[], string[], string[]>;
  opened_at: ColumnType<Date, Date, Date>;
  last_alert_at: ColumnType<Date, Date, Date>;
  resolved_at: ColumnType<Date | null, Date | null, Date | null>;
  analysis: ColumnType<unknown | null, string | null, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type IncidentRow = Selectable<IncidentTable>;
