import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/**
 * Keeps on the incident why its analysis gave up after every retry, for the card ("analysis failed: …").
 * The next successful analysis clears it. The message is ours (an error of the job), cut to one line.
 */
export async function recordAnalysisFailure(db: Kysely<DatabaseSchema>, incidentId: string, message: string, at: Date): Promise<void> {
  const failure = JSON.stringify({ message: message.split('\n')[0]!.slice(0, 300), at: at.toISOString() });
  await db
    .updateTable('incidents')
    .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || jsonb_build_object('failure', ${failure}::jsonb)` })
    .where('id', '=', incidentId)
    .execute();
}
