import { onCallAt } from '../oncall/on-call-at.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { pagingChannels, type PagingChannel } from '../ports/pager-port.ts';
import type { PageablePerson, PagingDependencies } from './paging-dependencies.ts';
import type { PolicyConfig } from './paging-settings.ts';

type Step = PolicyConfig['steps'][number];

/**
 * Fires every step that is due by the clock: each escalation in its own transaction, taken with FOR UPDATE SKIP
 * LOCKED and checked again under the lock, so two replicas never fire one step twice (and the pages' unique key
 * would refuse a second insert anyway). The pages and their delivery jobs are written in the same transaction as
 * the step's advance: a crash before the commit fires it again later, after the commit never. Returns how many fired.
 */
export async function fireDueSteps(deps: PagingDependencies): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .selectFrom('paging_escalations')
    .select('id')
    .where('state', '=', 'active')
    .where('next_step_at', '<=', now)
    .orderBy('next_step_at')
    .limit(50)
    .execute();
  let fired = 0;
  for (const { id } of due) if (await fireStep(deps, id, now)) fired++;
  if (fired > 0) deps.jobs.notify('deliver-page');
  return fired;
}

async function fireStep(deps: PagingDependencies, escalationId: string, now: Date): Promise<boolean> {
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const escalation = await trx
      .selectFrom('paging_escalations')
      .selectAll()
      .where('id', '=', escalationId)
      .where('state', '=', 'active')
      .where('next_step_at', '<=', now)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (escalation === undefined) return undefined;
    const policy = deps.settings.policies.find((candidate) => candidate.id === escalation.policy);
    const step = policy?.steps[escalation.next_step];
    if (policy === undefined || step === undefined) {
      // The policy changed under a running escalation: nothing more to fire.
      await trx
        .updateTable('paging_escalations')
        .set({ next_step_at: null, note: `policy ${escalation.policy} has no step ${escalation.next_step + 1} any more` })
        .where('id', '=', escalationId)
        .execute();
      return { incidentId: escalation.incident_id, step: escalation.next_step + 1, pages: [], skipped: ['policy changed'] };
    }
    const { people, skipped } = stepTargets(deps, step, now);
    const wanted = people.flatMap((person) => contactsOf(deps, person, skipped));
    const pages =
      wanted.length === 0
        ? []
        : await trx
            .insertInto('paging_pages')
            .values(
              wanted.map((page) => ({
                ...page,
                escalation_id: escalationId,
                round: escalation.round,
                step: escalation.next_step,
                state: 'queued' as const,
                queued_at: now,
              })),
            )
            .onConflict((conflict) => conflict.columns(['escalation_id', 'round', 'step', 'person_id', 'channel']).doNothing())
            .returning(['id', 'person_id', 'channel'])
            .execute();
    for (const page of pages) await deps.jobs.enqueue(trx, 'deliver-page', { pageId: page.id });
    const following = policy.steps[escalation.next_step + 1];
    await trx
      .updateTable('paging_escalations')
      .set({
        next_step: escalation.next_step + 1,
        // After a severity rise chose another policy, its steps count from the rise (ADR 0037).
        next_step_at: following === undefined ? null : new Date((escalation.steps_from ?? escalation.started_at).getTime() + following.afterMinutes * 60_000),
        ...(skipped.length > 0 ? { note: skipped.join('; ') } : {}),
      })
      .where('id', '=', escalationId)
      .execute();
    const summary = pages.map((page) => ({ personId: page.person_id, channel: page.channel }));
    await appendAudit(trx, {
      kind: 'paging_escalated',
      incidentId: escalation.incident_id,
      at: now,
      details: { escalationId, policy: policy.id, round: escalation.round, step: escalation.next_step + 1, pages: summary, skipped },
    });
    return { incidentId: escalation.incident_id, step: escalation.next_step + 1, pages: summary, skipped };
  });
  if (outcome === undefined) return false;
  deps.log.info({ escalationId, ...outcome }, `escalation step ${outcome.step} fired`);
  await deps.events.publish({ type: 'incident-updated', incidentId: outcome.incidentId });
  return true;
}

/** Who a step reaches now: the schedule's on-call person (overrides included) and the people named. */
function stepTargets(deps: PagingDependencies, step: Step, now: Date): { people: PageablePerson[]; skipped: string[] } {
  const ids: string[] = [];
  const skipped: string[] = [];
  if (step.schedule !== undefined) {
    const schedule = deps.schedules.find((candidate) => candidate.id === step.schedule);
    const shift = schedule === undefined ? null : onCallAt(schedule, now);
    if (shift === null) skipped.push(`nobody on call in ${step.schedule}`);
    else ids.push(shift.personId);
  }
  ids.push(...(step.people ?? []));
  const people = [...new Set(ids)].flatMap((id) => {
    const person = deps.people.find((candidate) => candidate.id === id);
    if (person === undefined) skipped.push(`${id} is not configured`);
    return person === undefined ? [] : [person];
  });
  return { people, skipped };
}

/** The person's contacts whose provider is switched on; the others are noted in `skipped`. */
function contactsOf(deps: PagingDependencies, person: PageablePerson, skipped: string[]): { person_id: string; channel: PagingChannel; address: string }[] {
  const pages: { person_id: string; channel: PagingChannel; address: string }[] = [];
  for (const channel of pagingChannels) {
    const contact = person.contacts?.[channel];
    if (contact === undefined) continue;
    const address = contact === true ? deps.settings.pagerduty?.routingKey : contact;
    if (!deps.pagers.has(channel) || address === undefined) {
      skipped.push(`${person.id}: no ${channel} pager configured`);
      continue;
    }
    pages.push({ person_id: person.id, channel, address });
  }
  if (pages.length === 0) skipped.push(`${person.id} has no contact that can be paged`);
  return pages;
}
