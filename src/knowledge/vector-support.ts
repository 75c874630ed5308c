import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

const known = new WeakMap<Kysely<DatabaseSchema>, Promise<boolean>>();

/**
 * Whether the database has the pgvector extension (migration 0019 creates it where it can), asked once per
 * database handle: an extension is not dropped under a running bot. A failed question is asked again next time.
 */
export function hasPgvector(db: Kysely<DatabaseSchema>): Promise<boolean> {
  let answer = known.get(db);
  if (answer === undefined) {
    answer = sql<{ present: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS present`
      .execute(db)
      .then(({ rows }) => rows[0]?.present === true);
    answer.catch(() => known.delete(db));
    known.set(db, answer);
  }
  return answer;
}
