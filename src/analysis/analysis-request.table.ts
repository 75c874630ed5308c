import type { ColumnType, Generated } from 'kysely';

/** Row shape of `analysis_requests` (migrations/0009): an incident whose alerts a committed batch changed. */
export interface AnalysisRequestTable {
  id: ColumnType<string, never, never>;
  incident_id: string;
  requested_at: Generated<Date>;
}
