import { z } from 'zod';
import { type AcknowledgeResult, acknowledgeEscalation } from './acknowledge-escalation.ts';
import { findPagedEscalation } from './find-paged-escalation.ts';
import type { PagingDependencies } from './paging-dependencies.ts';

const uuid = z.uuid();

/**
 * An Acknowledge button (card or direct message, any chat or the web console): `escalationId` is the button's
 * opaque data; the account must belong to a configured person (web accounts default to the person id).
 */
export async function acknowledgeByAccount(
  deps: PagingDependencies,
  input: { platform: string; accountId: string; escalationId: string },
): Promise<AcknowledgeResult | { ok: false; error: { code: 'unknown_person' | 'invalid'; message: string } }> {
  if (!uuid.safeParse(input.escalationId).success)
    return { ok: false, error: { code: 'invalid', message: 'This button is not one of ours; nothing was changed.' } };
  // A direct message's button may come from outside the card's workspace (a Discord DM has no guild): the platform
  // user id it was sent to (the person's contact) names the person too.
  const user = input.accountId.slice(input.accountId.lastIndexOf(':') + 1);
  const person = deps.people.find(
    (candidate) =>
      (candidate.accounts[input.platform] ?? (input.platform === 'web' ? candidate.id : undefined)) === input.accountId ||
      (input.platform !== 'web' && candidate.contacts?.[input.platform as 'slack' | 'discord' | 'telegram'] === user),
  );
  if (person === undefined) {
    deps.log.info({ platform: input.platform, result: 'unknown_person' }, 'acknowledgement refused');
    return {
      ok: false,
      error: { code: 'unknown_person', message: `Your ${input.platform} account is not linked to anyone configured; ask an admin to add it.` },
    };
  }
  return acknowledgeEscalation(deps, { escalationId: input.escalationId, personId: person.id, by: person.name, via: input.platform });
}

/**
 * An SMS reply (Twilio's inbound webhook, already verified): `ACK` acknowledges the latest page this number's
 * person got, `ACK 42` that of incident #42. Returns the text to answer with (null: not a reply for us).
 */
export async function acknowledgeBySms(deps: PagingDependencies, input: { from: string; body: string }): Promise<string | null> {
  const match = new RegExp(`^\\s*${deps.settings.ackKeyword}\\b\\s*#?(\\d{1,12})?`, 'i').exec(input.body);
  if (match === null) return null;
  const person = deps.people.find((candidate) => candidate.contacts?.sms === input.from || candidate.contacts?.voice === input.from);
  if (person === undefined) {
    deps.log.info({ via: 'sms', result: 'unknown_person' }, 'acknowledgement refused');
    return 'This number is not linked to anyone on call; nothing was changed.';
  }
  const number = match[1] === undefined ? undefined : Number(match[1]);
  const escalationId = await findPagedEscalation(deps, person.id, number);
  if (escalationId === undefined) return number === undefined ? 'Nothing is paging you right now.' : `Nothing is paging you for incident #${number}.`;
  const result = await acknowledgeEscalation(deps, { escalationId, personId: person.id, by: person.name, via: 'sms' });
  return result.ok ? `Acknowledged${number === undefined ? '' : ` #${number}`}: nobody else is paged.` : result.error.message;
}

/**
 * A provider's own acknowledgement (PagerDuty, Opsgenie webhook, already verified): the dedup key we gave it names
 * the escalation. `by` is the provider's name for the person; matched to a configured person by name when possible.
 */
export async function acknowledgeByProvider(
  deps: PagingDependencies,
  input: { via: 'pagerduty' | 'opsgenie'; dedupKey: string; by: string },
): Promise<AcknowledgeResult | { ok: false; error: { code: 'not_ours'; message: string } }> {
  const escalationId = input.dedupKey.startsWith('awoooi-') ? input.dedupKey.slice('awoooi-'.length) : '';
  if (!uuid.safeParse(escalationId).success) return { ok: false, error: { code: 'not_ours', message: 'not an AWOOOI page' } };
  const person = deps.people.find((candidate) => candidate.name === input.by || candidate.contacts?.opsgenie === input.by);
  return acknowledgeEscalation(deps, { escalationId, personId: person?.id ?? null, by: input.by.slice(0, 100) || input.via, via: input.via });
}
