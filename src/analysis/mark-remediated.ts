import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/**
 * Records that the remediation round for the analysis of `inputDigest` finished (diagnosis stored, proposal made,
 * kept or refused), so that re-analyses of the same alert groups skip it. Written after the round, never with the
 * ranking: a process that dies in between leaves the digest unmarked and the retried job does the round again.
 */
export async function markRemediated(db: Kysely<DatabaseSchema>, incidentId: string, inputDigest: string): Promise<void> {
  await db
    .updateTable('incidents')
    .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || jsonb_build_object('remediatedDigest', ${inputDigest}::text)` })
    .where('id', '=', incidentId)
    // A newer analysis may have replaced the one this round was for: then its own round marks it.
    .where(sql<boolean>`analysis->>'inputDigest' = ${inputDigest}`)
    .execute();
}
