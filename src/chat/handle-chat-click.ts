import { z } from 'zod';
import type { ApprovalDependencies } from '../approval/approval-dependencies.ts';
import { handleClick } from '../approval/handle-click.ts';
import { isUuid } from '../approval/proposal-repository.ts';
import { findChatMessageById } from './chat-message-repository.ts';
import { firstReceipt } from './chat-receipts.ts';

/** A verified button click on a chat card, platform-neutral; the adapter fills it from the platform's payload. */
export const chatClickSchema = z.strictObject({
  platform: z.enum(['slack', 'discord', 'telegram']),
  /** Where the click came from (Slack team, Discord guild, Telegram chat): must be the card's. */
  workspace: z.string().min(1).max(256),
  channel: z.string().min(1).max(256),
  messageId: z.string().min(1).max(256),
  /** The platform account as `approvals.people[].accounts` names it, e.g. `T123:U456` on Slack. */
  accountId: z.string().min(1).max(256),
  /** The button's data: an opaque id looked up here, never trusted to say more (an escalation's, to acknowledge). */
  proposalId: z.string().max(64),
  decision: z.enum(['approve', 'reject', 'acknowledge']),
  /** Identifies the signed request (its signature): the same request twice is a replay. */
  requestKey: z.string().min(1).max(512),
});
export type ChatClick = z.infer<typeof chatClickSchema>;

/** What a clicker hears when the click could not be worked (storage away): nothing changed. */
export const unavailableAnswer = 'AWOOOI could not record this click just now; nothing was changed. Please try again shortly.';

/** `answer` goes to the clicker alone (ephemeral); null when nothing should be said (a replay). */
export type ChatClickOutcome = { changed: boolean; answer: string | null; code: string };

/** Acknowledges a page for the person behind a chat account (the paging door, ADR 0026). */
export type AcknowledgeByAccount = (input: {
  platform: string;
  accountId: string;
  escalationId: string;
}) => Promise<{ ok: true; message: string } | { ok: false; error: { code: string; message: string } }>;

/**
 * The chat adapters' door to `handleClick`, and to `acknowledge` for an Acknowledge button (on a card or in a
 * direct message, so not necessarily one of our cards: the escalation id is what is looked up). The click must come from the workspace the card was posted in and
 * from a message that is one of our cards; a replay of a request already handled changes nothing. The person
 * behind the account, their roles and the proposal's state are `handleClick`'s to judge.
 */
export async function handleChatClick(deps: ApprovalDependencies, input: unknown, acknowledge?: AcknowledgeByAccount): Promise<ChatClickOutcome> {
  const parsed = chatClickSchema.safeParse(input);
  if (!parsed.success) return { changed: false, answer: 'This click could not be read.', code: 'invalid_click' };
  const click = parsed.data;
  const fields = { platform: click.platform, channel: click.channel, messageId: click.messageId };
  if (!(await firstReceipt(deps.db, click.platform, click.requestKey, deps.clock.now()))) {
    deps.log.warn(fields, 'chat click refused: replayed request');
    return { changed: false, answer: null, code: 'replayed' };
  }
  if (click.decision === 'acknowledge') {
    if (acknowledge === undefined) return { changed: false, answer: 'Paging is not configured here; nothing was changed.', code: 'no_paging' };
    const acknowledged = await acknowledge({ platform: click.platform, accountId: click.accountId, escalationId: click.proposalId });
    return acknowledged.ok
      ? { changed: true, answer: acknowledged.message, code: 'acknowledged' }
      : { changed: false, answer: acknowledged.error.message, code: acknowledged.error.code };
  }
  const message = await findChatMessageById(deps.db, click.platform, click.channel, click.messageId);
  if (message === undefined) {
    deps.log.info({ ...fields, result: 'unknown_card' }, 'chat click refused');
    return { changed: false, answer: 'This message is not an AWOOOI card I know; nothing was changed.', code: 'unknown_card' };
  }
  if (message.ref.workspace !== click.workspace) {
    deps.log.warn({ ...fields, result: 'foreign_workspace' }, 'chat click refused');
    return { changed: false, answer: 'This card belongs to another workspace; clicks from here change nothing.', code: 'foreign_workspace' };
  }
  if (!isUuid(click.proposalId)) return { changed: false, answer: 'This button is not one of ours; nothing was changed.', code: 'invalid_click' };
  const owner = await deps.db.selectFrom('proposals').select('incident_id').where('id', '=', click.proposalId).executeTakeFirst();
  if (owner !== undefined && owner.incident_id !== message.incidentId) {
    deps.log.warn({ ...fields, result: 'foreign_proposal' }, 'chat click refused');
    return { changed: false, answer: 'This button does not belong to this card; nothing was changed.', code: 'foreign_proposal' };
  }
  const decision = click.decision;
  const result = await handleClick(deps, { platform: click.platform, accountId: click.accountId, proposalId: click.proposalId, decision });
  return result.ok ? { changed: true, answer: result.message, code: result.state } : { changed: false, answer: result.error.message, code: result.error.code };
}
