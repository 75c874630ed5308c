import { sql } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import { followUps } from './acknowledge-escalation.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

/**
 * Ends the escalations of incidents that resolved or were merged into another (which carries on with its own
 * escalation), or reopened as a new episode since: no step fires any more,
 * and the provider incidents they opened are resolved (PagerDuty resolve, Opsgenie close) by durable jobs.
 * Returns the escalations ended.
 */
export async function endResolvedEscalations(deps: PagingDependencies): Promise<string[]> {
  const { rows } = await sql<{ id: string; status: string }>`
    SELECT e.id, i.status FROM paging_escalations e JOIN incidents i ON i.id = e.incident_id
    WHERE e.state IN ('active', 'acknowledged') AND (i.status <> 'open' OR e.episode < i.flaps)
    LIMIT 50`.execute(deps.db);
  const ended: string[] = [];
  for (const { id, status } of rows) {
    const now = deps.clock.now();
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const escalation = await trx
        .selectFrom('paging_escalations')
        .selectAll()
        .where('id', '=', id)
        .where('state', 'in', ['active', 'acknowledged'])
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (escalation === undefined) return undefined;
      await trx.updateTable('paging_escalations').set({ state: 'resolved', ended_at: now, next_step_at: null }).where('id', '=', id).execute();
      const pages = await followUps(trx, id, 'resolve');
      for (const pageId of pages) await deps.jobs.enqueue(trx, 'page-follow-up', { pageId, action: 'resolve' });
      await appendAudit(trx, {
        kind: 'paging_resolved',
        incidentId: escalation.incident_id,
        at: now,
        details: { escalationId: id, previousState: escalation.state, incidentStatus: status, providerIncidents: pages.length },
      });
      return { incidentId: escalation.incident_id, providerIncidents: pages.length };
    });
    if (outcome === undefined) continue;
    ended.push(id);
    deps.log.info({ escalationId: id, incidentStatus: status, ...outcome }, 'escalation ended: the incident closed');
    await deps.events.publish({ type: 'incident-updated', incidentId: outcome.incidentId });
  }
  if (ended.length > 0) deps.jobs.notify('page-follow-up');
  return ended;
}
