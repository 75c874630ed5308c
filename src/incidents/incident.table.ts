import type { ColumnType, Generated, Selectable } from 'kysely';

/** Row shape of `incidents` (migrations/0001, 0005, 0009, 0012, 0017). */
export interface IncidentTable {
  id: Generated<string>;
  number: ColumnType<string, never, never>;
  title: string;
  severity: string;
  /** 'merged': closed into `merged_into` because an alert connected the two (issue 10). */
  status: 'open' | 'resolved' | 'merged';
  group_key: string | null;
  services: ColumnType<string[], string[], string[]>;
  opened_at: ColumnType<Date, Date, Date>;
  last_alert_at: ColumnType<Date, Date, Date>;
  resolved_at: ColumnType<Date | null, Date | null, Date | null>;
  analysis: ColumnType<unknown | null, string | null, string | null>;
  /** How often an alert fired again within the quiet period after the incident resolved, reopening it. */
  flaps: Generated<number>;
  last_flap_at: ColumnType<Date | null, Date | null, Date | null>;
  merged_into: ColumnType<string | null, string | null, string | null>;
  merged_at: ColumnType<Date | null, Date | null, Date | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type IncidentRow = Selectable<IncidentTable>;

/** Row shape of `incident_alert_groups` (migrations/0005, 0009): alerts of an incident counted by service, name, status, severity. */
export interface IncidentAlertGroupTable {
  incident_id: string;
  /** '' when the alerts name no service. */
  service: string;
  name: string;
  status: 'firing' | 'resolved';
  severity: string;
  alerts: number;
  first_starts_at: ColumnType<Date | null, Date | null, Date | null>;
  sample_fingerprint: string | null;
  /** From the global sequence, stamped by the batch that last moved this count; the incident's revision is the newest (bigint, as text). */
  revision: ColumnType<string, never, never>;
}
