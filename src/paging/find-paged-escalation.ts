import { sql } from 'kysely';
import type { PagingDependencies } from './paging-dependencies.ts';

/**
 * The active escalation an SMS reply from `personId` means: that of incident `number` when the reply names one,
 * else the latest active escalation that paged this person. Undefined when there is none.
 */
export async function findPagedEscalation(deps: Pick<PagingDependencies, 'db'>, personId: string, number?: number): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`
    SELECT e.id FROM paging_escalations e JOIN incidents i ON i.id = e.incident_id
    WHERE e.state = 'active'
      AND (${number ?? null}::bigint IS NULL OR i.number = ${number ?? null}::bigint)
      AND EXISTS (SELECT 1 FROM paging_pages p WHERE p.escalation_id = e.id AND p.person_id = ${personId})
    ORDER BY e.started_at DESC LIMIT 1`.execute(deps.db);
  return rows[0]?.id;
}
