import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../src/storage/database-schema.ts';

/** Read-only looks at the approval tables, for assertions. */
export function approvalQueries(db: Kysely<DatabaseSchema>) {
  return {
    proposal: (id: string) => db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    signatures: (id: string) => db.selectFrom('signatures').selectAll().where('proposal_id', '=', id).orderBy('signed_at').orderBy('person_id').execute(),
    executions: (id: string) => db.selectFrom('executions').selectAll().where('proposal_id', '=', id).execute(),
    trust: async (pattern: string) => (await db.selectFrom('trust_scores').select('score').where('pattern', '=', pattern).executeTakeFirst())?.score ?? 0,
    /** Audit kinds of one proposal, in chain order. */
    auditKinds: async (id: string) =>
      (await db.selectFrom('audit_log').select('kind').where('proposal_id', '=', id).orderBy('sequence').execute()).map((row) => row.kind),
    audit: (id: string) => db.selectFrom('audit_log').selectAll().where('proposal_id', '=', id).orderBy('sequence').execute(),
  };
}
