import type { ColumnType, Generated, Selectable } from 'kysely';

/** Row shape of `incidents` (migrations/0001, 0005). */
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
  /** Alerts of the incident that fire; maintained by each ingestion from what it changed. */
  firing_count: Generated<number>;
  /** Bumped by every ingestion that changed the incident's alerts (bigint, as text). */
  alerts_revision: ColumnType<string, never, never>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type IncidentRow = Selectable<IncidentTable>;

/** Row shape of `incident_alert_groups` (migrations/0005): alerts of an incident counted by service, name, status, severity. */
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
}
