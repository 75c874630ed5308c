import { sql, type Kysely, type Transaction } from 'kysely';
import { describeAction, validatePlannedAction } from '../actions/action-catalog.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/**
 * Writes what a resolved incident taught into `incident_knowledge`: its services, alert names, top root cause,
 * diagnosis, the action that ran last (in the catalog's words) and how it ended, and the time to resolve. An
 * upsert keyed by incident: a retry, a second replica or the analysis' backstop write the same row again, never a
 * second one. Does nothing for an incident that is not resolved. Returns whether a row was written. Never calls a
 * model (it runs inside the resolve transaction): the knowledge embedder embeds the row after the commit.
 */
export async function recordResolvedIncident(db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>, incidentId: string): Promise<boolean> {
  const ran = await db
    .selectFrom('proposals')
    .innerJoin('executions', 'executions.proposal_id', 'proposals.id')
    .select(['proposals.action', 'proposals.target', 'proposals.params', 'proposals.state'])
    .where('proposals.incident_id', '=', incidentId)
    .where('executions.status', '<>', 'running')
    .orderBy('executions.started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const planned = ran === undefined ? null : validatePlannedAction({ action: ran.action, target: ran.target, params: ran.params });
  const action = planned === null ? null : planned.ok ? describeAction(planned.action) : ran!.action;
  const { rows } = await sql<{ incident_id: string }>`
    WITH incident AS (
      SELECT id, number, title, services, opened_at, resolved_at, analysis->'rootCauses'->0->>'service' AS root_cause,
        analysis->'diagnosis'->>'text' AS diagnosis
      FROM incidents WHERE id = ${incidentId}::uuid AND status = 'resolved' AND resolved_at IS NOT NULL
    ), names AS (
      SELECT coalesce(array_agg(DISTINCT name ORDER BY name), '{}') AS alert_names FROM incident_alert_groups WHERE incident_id = ${incidentId}::uuid
    )
    INSERT INTO incident_knowledge (incident_id, number, title, services, alert_names, root_cause, diagnosis, action, outcome,
      opened_at, resolved_at, minutes_to_resolve, search)
    SELECT incident.id, incident.number, incident.title, incident.services, names.alert_names, incident.root_cause, incident.diagnosis,
      ${action}::text, ${ran?.state ?? null}::text, incident.opened_at, incident.resolved_at,
      round(greatest(0, extract(epoch FROM incident.resolved_at - incident.opened_at) / 60)::numeric, 1),
      to_tsvector('simple', array_to_string(names.alert_names, ' ') || ' ' || array_to_string(incident.services, ' ') || ' '
        || coalesce(incident.root_cause, '') || ' ' || coalesce(incident.diagnosis, ''))
    FROM incident CROSS JOIN names
    ON CONFLICT (incident_id) DO UPDATE SET
      title = excluded.title, services = excluded.services, alert_names = excluded.alert_names, root_cause = excluded.root_cause,
      diagnosis = excluded.diagnosis, action = excluded.action, outcome = excluded.outcome, resolved_at = excluded.resolved_at,
      minutes_to_resolve = excluded.minutes_to_resolve, search = excluded.search,
      -- The vector stays only while what it was made of does; otherwise the embedder makes it again (ADR 0034).
      embedding = CASE WHEN ${unchanged} THEN incident_knowledge.embedding END,
      embedding_model = CASE WHEN ${unchanged} THEN incident_knowledge.embedding_model END,
      embedding_claimed_until = CASE WHEN ${unchanged} THEN incident_knowledge.embedding_claimed_until END
    RETURNING incident_id`.execute(db);
  return rows.length > 0;
}

const unchanged = sql<boolean>`(incident_knowledge.alert_names, incident_knowledge.services, incident_knowledge.root_cause, incident_knowledge.diagnosis)
  IS NOT DISTINCT FROM (excluded.alert_names, excluded.services, excluded.root_cause, excluded.diagnosis)`;
