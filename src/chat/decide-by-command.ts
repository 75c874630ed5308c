import type { Kysely } from 'kysely';
import type { Click, ClickResult } from '../approval/handle-click.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { findChatMessage } from './chat-message-repository.ts';
import { firstReceipt } from './chat-receipts.ts';

export interface DecideByCommand {
  platform: 'slack' | 'discord' | 'telegram';
  /** Where the command came from: it must be the workspace of the incident's card on that platform. */
  workspace: string;
  channel: string;
  accountId: string;
  decision: 'approve' | 'reject';
  /** "12" or "#12": the incident's number, as its card shows it. */
  incident: string | undefined;
  /** The signed request (Slack: its signature), so that a replay changes nothing. */
  requestKey?: string | undefined;
}

/**
 * `/awoooi approve|reject <incident number>`: the text fallback to the card's buttons. It decides on the incident's
 * live proposal through the same door as a click (`decide` is `handleClick`), and only from the workspace and
 * channel where that incident's card was posted, so a command from elsewhere changes nothing.
 */
export async function decideByCommand(
  deps: { db: Kysely<DatabaseSchema>; now: () => Date; decide: (click: Click) => Promise<ClickResult> },
  command: DecideByCommand,
): Promise<string> {
  const usage = `Usage: /awoooi ${command.decision} <incident number, e.g. 12>`;
  const number = /^#?(\d{1,12})$/.exec(command.incident ?? '')?.[1];
  if (number === undefined) return usage;
  if (command.requestKey !== undefined && !(await firstReceipt(deps.db, command.platform, command.requestKey, deps.now()))) {
    return 'This command was already handled; nothing was changed.';
  }
  const incident = await deps.db.selectFrom('incidents').select('id').where('number', '=', number).executeTakeFirst();
  const card = incident === undefined ? undefined : await findChatMessage(deps.db, incident.id, command.platform, command.channel);
  if (incident === undefined || card === undefined || card.ref.workspace !== command.workspace) {
    return `There is no card of incident #${number} in this channel; nothing was changed.`;
  }
  const proposal = await deps.db
    .selectFrom('proposals')
    .select('id')
    .where('incident_id', '=', incident.id)
    .where('state', 'in', ['PENDING', 'APPROVED'])
    .executeTakeFirst();
  if (proposal === undefined) return `Incident #${number} has no proposal waiting for a decision.`;
  const result = await deps.decide({ platform: command.platform, accountId: command.accountId, proposalId: proposal.id, decision: command.decision });
  return result.ok ? result.message : result.error.message;
}
