import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;

/** Row shape of `finops_reports` (migrations/0013): one per week whose report was due. */
export interface FinOpsReportTable {
  /** The due time's date, e.g. "2026-11-30": the week's key. */
  week: string;
  due_at: Timestamp;
  platform: string;
  channel: string;
  claimed_at: Timestamp;
  sent_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** "posted", or why not (a refusal that retrying cannot fix). */
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
}
