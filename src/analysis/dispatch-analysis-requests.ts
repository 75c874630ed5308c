import { sql, type Kysely } from 'kysely';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** Requests taken per transaction: a storm asks for a few incidents thousands of times. */
const batchSize = 1000;

/**
 * Turns committed analysis requests (written by the ingest, ADR 0013) into `analyze-incident` jobs: one
 * transaction deletes a batch of them (SKIP LOCKED, so replicas share the work and never wait for each other)
 * and enqueues one job per incident in it. The stately queue keeps one waiting per incident, so a thousand
 * requests for an incident whose job still waits add nothing; a request is deleted only with the enqueue that
 * covers it, in the same commit. A request is visible only after its batch committed, so the job that covers it
 * always starts after that commit and sees its change. Returns the incidents enqueued for, and how many
 * requests were taken (`batchSize` means there may be more).
 */
export async function dispatchAnalysisRequests(
  db: Kysely<DatabaseSchema>,
  jobs: Pick<JobQueue, 'enqueue'>,
): Promise<{ incidents: string[]; requests: number }> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ incident_id: string }>`
      DELETE FROM analysis_requests WHERE id IN (
        SELECT id FROM analysis_requests ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
      RETURNING incident_id`.execute(trx);
    const incidents = [...new Set(rows.map((row) => row.incident_id))].sort();
    for (const incidentId of incidents) await jobs.enqueue(trx, 'analyze-incident', { incidentId });
    return { incidents, requests: rows.length };
  });
}

export { batchSize as dispatchBatchSize };
