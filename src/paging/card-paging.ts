import type { Kysely } from 'kysely';
import type { CardPaging } from '../cards/incident-card.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** The incident's latest escalation (its current episode) and its pages, for the card; null when none started. */
export async function cardPaging(db: Kysely<DatabaseSchema>, incidentId: string, people: readonly { id: string; name: string }[]): Promise<CardPaging | null> {
  const escalation = await db
    .selectFrom('paging_escalations')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('episode', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (escalation === undefined) return null;
  const pages = await db
    .selectFrom('paging_pages')
    .selectAll()
    .where('escalation_id', '=', escalation.id)
    .orderBy('round')
    .orderBy('step')
    .orderBy('queued_at')
    .orderBy('person_id')
    .orderBy('channel')
    .execute();
  const name = (id: string) => people.find((person) => person.id === id)?.name ?? id;
  return {
    escalationId: escalation.id,
    policy: escalation.policy,
    state: escalation.state,
    startedAt: escalation.started_at.toISOString(),
    nextStepAt: escalation.state === 'active' ? (escalation.next_step_at?.toISOString() ?? null) : null,
    pages: pages.map((page) => ({
      id: page.id,
      step: page.step + 1,
      personName: name(page.person_id),
      channel: page.channel,
      state: page.state,
      at: (page.sent_at ?? page.queued_at).toISOString(),
      error: page.error,
    })),
    acknowledged:
      escalation.acknowledged_at === null
        ? null
        : { by: name(escalation.acknowledged_by ?? 'someone'), via: escalation.acknowledged_via ?? 'unknown', at: escalation.acknowledged_at.toISOString() },
    note: escalation.note,
    round: escalation.round,
    severity: escalation.severity,
  };
}
