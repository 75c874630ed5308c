import { sql } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import { choosePolicy } from './choose-policy.ts';
import { incidentFacts } from './incident-facts.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

const rank = (value: unknown) => sql`array_position(ARRAY['critical', 'high', 'warning', 'info'], ${value})`;

/** What choosing again did to one escalation. */
type Reselection =
  | { kind: 'same'; incidentId: string; policy: string; severity: string; previousSeverity: string }
  | { kind: 'changed'; incidentId: string; from: string; to: string; severity: string; previousSeverity: string; round: number; paged: boolean };

/**
 * Chooses the policy again for every live escalation whose incident's severity rose above the one its policy was
 * chosen for (ADR 0037). Another policy takes over as a new round: its steps run from the start, the first due now,
 * the later ones timed from the rise (`fireDueSteps` pages them) — unless someone acknowledged already, then the
 * change is only recorded. A suppressed escalation (a flap in the quiet period, or an incident open before paging
 * was switched on) pages from its policy's first step too: the rise is news. The same policy again, or a severity
 * that fell, changes nothing but the severity remembered. Each escalation under its row lock (SKIP LOCKED), so
 * replicas never choose twice. Returns how many changed policy.
 */
export async function reselectPolicies(deps: PagingDependencies): Promise<number> {
  if (deps.settings.policies.length === 0) return 0;
  const { rows } = await sql<{ id: string }>`
    SELECT e.id FROM paging_escalations e JOIN incidents i ON i.id = e.incident_id
    WHERE e.state IN ('active', 'acknowledged', 'suppressed') AND i.status = 'open' AND e.episode = i.flaps
      AND ${rank(sql`i.severity`)} < ${rank(sql`e.severity`)}
    ORDER BY e.started_at LIMIT 50`.execute(deps.db);
  let changed = 0;
  for (const { id } of rows) {
    const outcome = await reselect(deps, id);
    if (outcome === undefined) continue;
    if (outcome.kind === 'same') {
      deps.log.info({ escalationId: id, ...outcome }, 'severity rose; the escalation policy stays the same');
      continue;
    }
    changed++;
    deps.log.info(
      { escalationId: id, ...outcome },
      outcome.paged
        ? 'severity rose: another escalation policy pages from its first step'
        : 'severity rose: another escalation policy applies (already acknowledged)',
    );
    await deps.events.publish({ type: 'incident-updated', incidentId: outcome.incidentId });
  }
  if (changed > 0) deps.jobs.notify('deliver-page');
  return changed;
}

async function reselect(deps: PagingDependencies, escalationId: string): Promise<Reselection | undefined> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ incident_id: string; policy: string; state: string; round: number; previous: string; severity: string }>`
      SELECT e.incident_id, e.policy, e.state, e.round, e.severity AS previous, i.severity FROM paging_escalations e
      JOIN incidents i ON i.id = e.incident_id
      WHERE e.id = ${escalationId}::uuid AND e.state IN ('active', 'acknowledged', 'suppressed') AND i.status = 'open' AND e.episode = i.flaps
        AND ${rank(sql`i.severity`)} < ${rank(sql`e.severity`)}
      FOR UPDATE OF e SKIP LOCKED`.execute(trx);
    const escalation = rows[0];
    if (escalation === undefined) return undefined;
    const facts = (await incidentFacts(trx, [{ id: escalation.incident_id, severity: escalation.severity }])).get(escalation.incident_id)!;
    const policy = choosePolicy(deps.settings, facts);
    const base = { incidentId: escalation.incident_id, severity: facts.severity, previousSeverity: escalation.previous };
    if (policy === undefined || (policy.id === escalation.policy && escalation.state !== 'suppressed')) {
      await trx.updateTable('paging_escalations').set({ severity: facts.severity }).where('id', '=', escalationId).execute();
      return { kind: 'same' as const, policy: escalation.policy, ...base };
    }
    const paged = escalation.state !== 'acknowledged';
    const round = escalation.round + 1;
    await trx
      .updateTable('paging_escalations')
      .set({
        policy: policy.id,
        severity: facts.severity,
        round,
        ...(paged ? { state: 'active' as const, next_step: 0, next_step_at: now, steps_from: now } : {}),
      })
      .where('id', '=', escalationId)
      .execute();
    const change = { kind: 'changed' as const, from: escalation.policy, to: policy.id, round, paged, ...base };
    await appendAudit(trx, {
      kind: 'paging_policy_changed',
      incidentId: escalation.incident_id,
      at: now,
      details: { escalationId, from: change.from, to: change.to, severity: change.severity, previousSeverity: change.previousSeverity, round, paged },
    });
    return change;
  });
}
