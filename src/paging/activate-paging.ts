import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { choosePolicy } from './choose-policy.ts';
import { incidentFacts } from './incident-facts.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

/** The note on the escalation of an incident that was open before paging was switched on. */
export const openBeforePaging = 'open before paging was switched on: not paged retroactively';

/**
 * Records that paging is active (ADR 0037), once: the first start with a policy writes `paging_activation`; later
 * starts (and other replicas) find the row and change nothing. On that first start, every incident already open
 * without an escalation gets a `suppressed` one (card, timeline and audit say why), so switching paging on does not
 * page the backlog; a severity rise of such an incident still pages (`reselectPolicies`), and so does any incident
 * opened, or reopened, afterwards. One transaction: a replica sweeping meanwhile waits on the row, then sees all.
 * Logs how many incidents it skipped. Returns that count, or null when paging was already active.
 */
export async function activatePaging(deps: PagingDependencies): Promise<number | null> {
  const now = deps.clock.now();
  const skipped = await deps.db.transaction().execute(async (trx) => {
    const activated = await trx
      .insertInto('paging_activation')
      .values({ active_since: now })
      .onConflict((conflict) => conflict.column('singleton').doNothing())
      .returning('active_since')
      .executeTakeFirst();
    if (activated === undefined) return null;
    const { rows: open } = await sql<{ id: string; flaps: number; severity: string }>`
      SELECT id, flaps, severity FROM incidents i
      WHERE status = 'open' AND NOT EXISTS (SELECT 1 FROM paging_escalations e WHERE e.incident_id = i.id AND e.episode = i.flaps)
      ORDER BY opened_at`.execute(trx);
    const facts = await incidentFacts(trx, open);
    const rows = open.flatMap((incident) => {
      const chosen = facts.get(incident.id)!;
      const policy = choosePolicy(deps.settings, chosen);
      if (policy === undefined) return [];
      const values = { incident_id: incident.id, episode: incident.flaps, policy: policy.id, state: 'suppressed' as const, next_step_at: null };
      return [{ ...values, started_at: now, note: openBeforePaging, severity: chosen.severity }];
    });
    // In slices: a statement takes at most 65535 parameters, and a long-forgotten backlog may be large.
    for (let from = 0; from < rows.length; from += 1000)
      await trx
        .insertInto('paging_escalations')
        .values(rows.slice(from, from + 1000))
        .execute();
    await appendAudit(trx, {
      kind: 'paging_switched_on',
      incidentId: null,
      at: now,
      details: { skipped: rows.length, incidents: rows.slice(0, 50).map((row) => row.incident_id) },
    });
    return rows.length;
  });
  if (skipped !== null) {
    deps.log.info(
      { skipped, activeSince: now.toISOString() },
      `paging switched on: ${skipped} incident${skipped === 1 ? '' : 's'} already open ${skipped === 1 ? 'is' : 'are'} not paged retroactively`,
    );
  }
  return skipped;
}

/**
 * A start without any policy: paging is off, and the next start with one is a new activation (whatever opened
 * meanwhile is not paged retroactively then either). Logged when it was on.
 */
export async function deactivatePaging(db: Kysely<DatabaseSchema>, log: Logger): Promise<void> {
  const removed = await db.deleteFrom('paging_activation').returning('active_since').executeTakeFirst();
  if (removed !== undefined) log.info({ activeSince: removed.active_since.toISOString() }, 'paging switched off: no paging.policies configured');
}
