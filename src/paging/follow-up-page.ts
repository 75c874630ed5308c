import type { PagingChannel } from '../ports/pager-port.ts';
import { callWithRetries } from './call-with-retries.ts';
import { dedupKeyOf } from './deliver-page.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

/**
 * Acknowledges or resolves the provider incident a page opened (the `page-follow-up` job). A retryable failure
 * that outlasts the retries throws, so the job queue tries again later; a refusal is logged and dropped.
 */
export async function followUpPage(deps: PagingDependencies, pageId: string, action: 'acknowledge' | 'resolve'): Promise<void> {
  const page = await deps.db.selectFrom('paging_pages').selectAll().where('id', '=', pageId).executeTakeFirst();
  if (page === undefined || page.follow_up === 'resolve' || page.follow_up === action) return;
  const pager = deps.pagers.get(page.channel as PagingChannel);
  const call = action === 'acknowledge' ? pager?.acknowledge?.bind(pager) : pager?.resolve?.bind(pager);
  if (call === undefined) return;
  const escalation = await deps.db
    .selectFrom('paging_escalations')
    .select(['incident_id', 'acknowledged_by'])
    .where('id', '=', page.escalation_id)
    .executeTakeFirstOrThrow();
  const note = action === 'acknowledge' ? `acknowledged in AWOOOI by ${escalation.acknowledged_by ?? 'someone'}` : 'the incident resolved in AWOOOI';
  const result = await callWithRetries((options) => call({ dedupKey: dedupKeyOf(page.escalation_id), address: page.address, note }, options), {
    attempts: deps.settings.attempts,
    retryMilliseconds: deps.settings.retryMilliseconds,
    timeoutMilliseconds: deps.callTimeoutMilliseconds ?? 15_000,
  });
  const fields = { incidentId: escalation.incident_id, pageId, channel: page.channel, action };
  if (!result.ok) {
    deps.log.warn({ ...fields, code: result.error.code, reason: result.error.message }, 'provider incident not updated');
    if (result.error.retryable) throw new Error(`${page.channel} ${action}: ${result.error.message}`);
    return;
  }
  await deps.db.updateTable('paging_pages').set({ follow_up: action }).where('id', '=', pageId).execute();
  deps.log.info(fields, `provider incident ${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`);
}
