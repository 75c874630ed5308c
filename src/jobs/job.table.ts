import type { ColumnType } from 'kysely';

type DefaultedTimestamp = ColumnType<Date, Date | undefined, Date>;

/** A live bot process that works jobs (migrations/0008). */
export interface JobWorkerTable {
  id: string;
  started_at: DefaultedTimestamp;
  heartbeat_at: DefaultedTimestamp;
}

/** A job in flight and the process running it (migrations/0008). */
export interface JobRunTable {
  job_id: string;
  queue: string;
  worker_id: string;
  started_at: DefaultedTimestamp;
}
