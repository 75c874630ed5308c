import { sql } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import { choosePolicy } from './choose-policy.ts';
import { incidentFacts } from './incident-facts.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

// Open incidents looked at per sweep; the rest wait for the next one.
const batch = 50;

/**
 * Starts the escalation of every open incident that has none for its current episode (its flap count): a new
 * incident, or one an alert reopened. The unique (incident, episode) key means two replicas, or a sweep that
 * raced an event, start it once. A reopened incident whose last escalation started within `quietMinutes` gets
 * a `suppressed` one instead: flapping alerts do not page again. Returns the incidents started.
 */
export async function startEscalations(deps: PagingDependencies): Promise<string[]> {
  if (deps.settings.policies.length === 0) return [];
  const { rows } = await sql<{ id: string; flaps: number; severity: string }>`
    SELECT id, flaps, severity FROM incidents i
    WHERE status = 'open' AND NOT EXISTS (SELECT 1 FROM paging_escalations e WHERE e.incident_id = i.id AND e.episode = i.flaps)
    ORDER BY opened_at LIMIT ${batch}`.execute(deps.db);
  const started: string[] = [];
  for (const incident of rows) if (await startOne(deps, incident)) started.push(incident.id);
  return started;
}

async function startOne(deps: PagingDependencies, incident: { id: string; flaps: number; severity: string }): Promise<boolean> {
  const facts = (await incidentFacts(deps.db, [incident])).get(incident.id)!;
  const policy = choosePolicy(deps.settings, facts);
  if (policy === undefined) return false;
  const now = deps.clock.now();
  const previous = await deps.db
    .selectFrom('paging_escalations')
    .select('started_at')
    .where('incident_id', '=', incident.id)
    .where('state', '<>', 'suppressed')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const quietMilliseconds = deps.settings.quietMinutes * 60_000;
  const quiet = previous !== undefined && now.getTime() - previous.started_at.getTime() < quietMilliseconds;
  const note = quiet ? `reopened within ${deps.settings.quietMinutes} min of the last page (flapping): not paged again` : null;
  const inserted = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('paging_escalations')
      .values({
        incident_id: incident.id,
        episode: incident.flaps,
        policy: policy.id,
        state: quiet ? 'suppressed' : 'active',
        next_step: 0,
        next_step_at: quiet ? null : new Date(now.getTime() + policy.steps[0]!.afterMinutes * 60_000),
        started_at: now,
        note,
        // What the policy was chosen for: a rise chooses again (reselectPolicies).
        severity: facts.severity,
      })
      .onConflict((conflict) => conflict.columns(['incident_id', 'episode']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row === undefined) return undefined;
    await appendAudit(trx, {
      kind: quiet ? 'paging_suppressed' : 'paging_started',
      incidentId: incident.id,
      at: now,
      details: { escalationId: row.id, policy: policy.id, episode: incident.flaps, ...(note === null ? {} : { note }) },
    });
    return row.id;
  });
  if (inserted === undefined) return false;
  deps.log.info(
    { incidentId: incident.id, escalationId: inserted, policy: policy.id, episode: incident.flaps, suppressed: quiet },
    quiet ? 'paging suppressed: the incident flapped within the quiet period' : 'escalation started',
  );
  await deps.events.publish({ type: 'incident-updated', incidentId: incident.id });
  return true;
}
