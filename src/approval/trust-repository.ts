import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { nextTrustScore, type TrustEvent } from './trust.ts';

/** Current score of an action pattern; 0 for a pattern never seen. */
export async function readTrustScore(db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>, pattern: string): Promise<number> {
  const row = await db.selectFrom('trust_scores').select('score').where('pattern', '=', pattern).executeTakeFirst();
  return row?.score ?? 0;
}

/**
 * Applies a trust event under a row lock (two executions of one pattern finishing together both count).
 * Returns the change, or null when the score stays what it was.
 */
export async function applyTrustEvent(
  trx: Transaction<DatabaseSchema>,
  pattern: string,
  event: TrustEvent,
): Promise<{ pattern: string; from: number; to: number; event: TrustEvent } | null> {
  await trx
    .insertInto('trust_scores')
    .values({ pattern, score: 0 })
    .onConflict((conflict) => conflict.column('pattern').doNothing())
    .execute();
  const row = await trx.selectFrom('trust_scores').select('score').where('pattern', '=', pattern).forUpdate().executeTakeFirstOrThrow();
  const to = nextTrustScore(row.score, event);
  if (to === row.score) return null;
  await trx.updateTable('trust_scores').set({ score: to, updated_at: sql<Date>`now()` }).where('pattern', '=', pattern).execute();
  return { pattern, from: row.score, to, event };
}
