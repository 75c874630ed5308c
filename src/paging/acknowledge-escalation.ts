import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

/** Who acknowledged, through what: a configured person (`personId`) or an outside name (a PagerDuty user). */
export interface Acknowledgement {
  escalationId: string;
  personId: string | null;
  /** The name shown when no person is known, e.g. the PagerDuty user's summary. */
  by: string;
  /** 'slack', 'telegram', 'web', 'sms', 'pagerduty', 'opsgenie', … */
  via: string;
}

export type AcknowledgeResult =
  | { ok: true; incidentId: string; message: string }
  | { ok: false; error: { code: 'unknown_escalation' | 'not_active'; message: string } };

// Providers whose own incident follows ours (acknowledged and resolved with it).
const followedChannels = ['pagerduty', 'opsgenie'];

/**
 * Stops an escalation: no further step fires and pages not yet sent are not sent. Under the escalation's row lock,
 * so an ack racing a step either lands first (the step finds it acknowledged) or after (the step's pages went out).
 * The provider incidents the escalation opened (PagerDuty, Opsgenie) are acknowledged too, by durable jobs.
 */
export async function acknowledgeEscalation(deps: PagingDependencies, ack: Acknowledgement): Promise<AcknowledgeResult> {
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const escalation = await trx.selectFrom('paging_escalations').selectAll().where('id', '=', ack.escalationId).forUpdate().executeTakeFirst();
    if (escalation === undefined)
      return { ok: false as const, error: { code: 'unknown_escalation' as const, message: 'There is no such page to acknowledge.' } };
    if (escalation.state !== 'active') {
      const by = escalation.acknowledged_by === null ? '' : ` by ${nameOf(deps, escalation.acknowledged_by)}`;
      return { ok: false as const, error: { code: 'not_active' as const, message: `Already ${escalation.state}${by}; nothing more is paged.` } };
    }
    const acknowledgedBy = ack.personId ?? ack.by;
    await trx
      .updateTable('paging_escalations')
      .set({ state: 'acknowledged', acknowledged_at: now, acknowledged_by: acknowledgedBy, acknowledged_via: ack.via, next_step_at: null })
      .where('id', '=', escalation.id)
      .execute();
    const followed = await followUps(trx, escalation.id, 'acknowledge', ack.via);
    for (const pageId of followed) await deps.jobs.enqueue(trx, 'page-follow-up', { pageId, action: 'acknowledge' });
    await appendAudit(trx, {
      kind: 'paging_acknowledged',
      actor: ack.personId,
      incidentId: escalation.incident_id,
      at: now,
      details: { escalationId: escalation.id, by: acknowledgedBy, via: ack.via, stoppedBeforeStep: escalation.next_step + 1 },
    });
    return { ok: true as const, incidentId: escalation.incident_id };
  });
  if (!outcome.ok) {
    deps.log.info({ escalationId: ack.escalationId, via: ack.via, result: outcome.error.code }, 'acknowledgement refused');
    return outcome;
  }
  deps.log.info({ escalationId: ack.escalationId, incidentId: outcome.incidentId, personId: ack.personId, via: ack.via }, 'escalation acknowledged');
  deps.jobs.notify('page-follow-up');
  await deps.events.publish({ type: 'incident-updated', incidentId: outcome.incidentId });
  return { ok: true, incidentId: outcome.incidentId, message: 'Acknowledged: the escalation stopped, nobody else is paged.' };
}

/** The sent pages whose provider incident should follow (`skipVia`: the provider that told us, it knows). */
export async function followUps(trx: Kysely<DatabaseSchema>, escalationId: string, action: 'acknowledge' | 'resolve', skipVia?: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('paging_pages')
    .select(['id', 'channel', 'address'])
    .where('escalation_id', '=', escalationId)
    .where('state', '=', 'sent')
    .where('channel', 'in', followedChannels)
    .where(sql<boolean>`follow_up IS DISTINCT FROM ${action}`)
    .where(sql<boolean>`follow_up IS DISTINCT FROM 'resolve'`)
    .execute();
  // One follow-up per provider incident: pages of one escalation on one address share the dedup key.
  const seen = new Set<string>();
  return rows.flatMap((row) => {
    const key = `${row.channel}:${row.address}`;
    if (seen.has(key) || (skipVia === row.channel && action === 'acknowledge')) return [];
    seen.add(key);
    return [row.id];
  });
}

function nameOf(deps: PagingDependencies, id: string): string {
  return deps.people.find((person) => person.id === id)?.name ?? id;
}
