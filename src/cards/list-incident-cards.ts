import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { buildIncidentCard, type CardDependencies } from './build-incident-card.ts';
import type { IncidentCard } from './incident-card.ts';

/** Cards of the most recent incidents, newest first: what a live view shows on load. */
export async function listIncidentCards(db: Kysely<DatabaseSchema>, deps: CardDependencies, limit = 50): Promise<IncidentCard[]> {
  const rows = await db.selectFrom('incidents').select('id').orderBy('opened_at', 'desc').orderBy('number', 'desc').limit(limit).execute();
  const cards: IncidentCard[] = [];
  // One at a time: on the embedded database every query shares one connection anyway.
  for (const row of rows) {
    const card = await buildIncidentCard(db, row.id, deps);
    if (card) cards.push(card);
  }
  return cards;
}
