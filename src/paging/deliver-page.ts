import { appendAudit } from '../audit/append-audit.ts';
import type { PageRequest, PagingChannel } from '../ports/pager-port.ts';
import { callWithRetries } from './call-with-retries.ts';
import type { PagingDependencies } from './paging-dependencies.ts';
import type { PageRow } from './paging.table.ts';

export type DeliveryOutcome = 'sent' | 'failed' | 'not_needed';

/** The dedup key of every page of an escalation: PagerDuty's dedup_key, Opsgenie's alias. */
export const dedupKeyOf = (escalationId: string) => `awoooi-${escalationId}`;

/**
 * Sends one queued page (the `deliver-page` job). The page is claimed by moving it to `sending`; a job that finds
 * it `sending` is the retry of one whose process died mid-call, and sends again (PagerDuty and Opsgenie drop the
 * repeat by its dedup key; an SMS may then arrive twice, never not at all). A page of an escalation acknowledged
 * or resolved meanwhile is not sent. The outcome is recorded with an audit entry, a log line and a card update.
 */
export async function deliverPage(deps: PagingDependencies, pageId: string): Promise<DeliveryOutcome> {
  const page = await deps.db
    .updateTable('paging_pages')
    .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1) }))
    .where('id', '=', pageId)
    .where('state', 'in', ['queued', 'sending'])
    .returningAll()
    .executeTakeFirst();
  if (page === undefined) return 'not_needed';
  const escalation = await deps.db.selectFrom('paging_escalations').selectAll().where('id', '=', page.escalation_id).executeTakeFirstOrThrow();
  const incident = await deps.db
    .selectFrom('incidents')
    .select(['number', 'title', 'severity'])
    .where('id', '=', escalation.incident_id)
    .executeTakeFirstOrThrow();
  if (escalation.state !== 'active') {
    await deps.db
      .updateTable('paging_pages')
      .set({ state: 'cancelled', error: `the escalation was ${escalation.state} first` })
      .where('id', '=', page.id)
      .execute();
    deps.log.info(
      { incidentId: escalation.incident_id, pageId, channel: page.channel, state: escalation.state },
      'page not sent: the escalation stopped first',
    );
    await deps.events.publish({ type: 'incident-updated', incidentId: escalation.incident_id });
    return 'not_needed';
  }
  const pager = deps.pagers.get(page.channel as PagingChannel);
  if (pager === undefined) return finish(deps, page, escalation.incident_id, { ok: false, reason: `no ${page.channel} pager configured` });
  const person = deps.people.find((candidate) => candidate.id === page.person_id);
  const number = Number(incident.number);
  const request: PageRequest = {
    pageId: page.id,
    escalationId: escalation.id,
    dedupKey: dedupKeyOf(escalation.id),
    incidentId: escalation.incident_id,
    incidentNumber: number,
    title: incident.title,
    severity: incident.severity,
    summary: `#${number} ${incident.title} (${incident.severity}); escalation ${escalation.policy}, step ${page.step + 1}`,
    address: page.address,
    personName: person?.name ?? page.person_id,
    ackHint: `${deps.settings.ackKeyword} ${number}`,
    ...(deps.publicUrl === undefined ? {} : { link: `${deps.publicUrl.replace(/\/$/, '')}/#incident-${escalation.incident_id}` }),
  };
  const result = await callWithRetries((options) => pager.page(request, options), {
    attempts: deps.settings.attempts,
    retryMilliseconds: deps.settings.retryMilliseconds,
    timeoutMilliseconds: deps.callTimeoutMilliseconds ?? 15_000,
    onRetry: (failure, attempt) =>
      deps.log.warn({ pageId, channel: page.channel, attempt, code: failure.code, reason: failure.message }, 'page attempt failed; retrying'),
  });
  return finish(
    deps,
    page,
    escalation.incident_id,
    result.ok
      ? { ok: true, externalId: result.value.externalId, attempts: result.attempts }
      : { ok: false, reason: `${result.error.code}: ${result.error.message}`, attempts: result.attempts },
  );
}

type Settled = { ok: true; externalId: string | null; attempts: number } | { ok: false; reason: string; attempts?: number };

async function finish(deps: PagingDependencies, page: PageRow, incidentId: string, settled: Settled): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('paging_pages')
      .set(settled.ok ? { state: 'sent', sent_at: now, external_id: settled.externalId, error: null } : { state: 'failed', error: settled.reason })
      .where('id', '=', page.id)
      .execute();
    await appendAudit(trx, {
      kind: settled.ok ? 'page_sent' : 'page_failed',
      actor: null,
      incidentId,
      at: now,
      details: {
        escalationId: page.escalation_id,
        pageId: page.id,
        step: page.step + 1,
        personId: page.person_id,
        channel: page.channel,
        ...(settled.attempts === undefined ? {} : { attempts: settled.attempts }),
        ...(settled.ok ? {} : { reason: settled.reason }),
      },
    });
  });
  const fields = { incidentId, pageId: page.id, personId: page.person_id, channel: page.channel, step: page.step + 1 };
  if (settled.ok) deps.log.info({ ...fields, attempts: settled.attempts }, 'page sent');
  else deps.log.warn({ ...fields, reason: settled.reason }, 'page not sent');
  await deps.events.publish({ type: 'incident-updated', incidentId });
  return settled.ok ? 'sent' : 'failed';
}
