import { type ChatClick, type ChatClickOutcome, unavailableAnswer } from '../../src/chat/handle-chat-click.ts';
import type { ChatCommand, ChatCommandAnswer } from '../../src/chat/handle-chat-command.ts';
import type { ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { slackActions } from './render-block-kit.ts';
import type { SlackBlockActions, SlackSlashCommand } from './slack-payloads.ts';

/** The core's doors as a Slack click or command reaches them, over HTTP or Socket Mode. */
export interface SlackDoors {
  log: Logger;
  answerPrivately: (recipient: PrivateRecipient, text: string) => Promise<ChatResult<void>>;
  handleClick: (click: ChatClick) => Promise<ChatClickOutcome>;
  handleCommand: (command: ChatCommand) => Promise<ChatCommandAnswer>;
}

/**
 * A verified block_actions click (HTTP: its signature; Socket Mode: its envelope) through `handleClick`, answered
 * to the clicker alone. `requestKey` identifies the delivery, so a replay or a redelivery changes nothing.
 */
export async function handleSlackClick(options: SlackDoors, payload: SlackBlockActions, requestKey: string): Promise<void> {
  const action = payload.actions.find((candidate) => (Object.values(slackActions) as string[]).includes(candidate.action_id));
  if (action === undefined) return;
  const workspace = payload.team?.id ?? payload.user.team_id;
  const channel = payload.container?.channel_id ?? payload.channel?.id;
  const messageId = payload.container?.message_ts ?? payload.message?.ts;
  if (workspace === undefined || channel === undefined || messageId === undefined) {
    options.log.info({ reason: 'click without team, channel or message' }, 'slack click ignored');
    return;
  }
  const recipient = { workspace, channel, user: payload.user.id };
  const outcome = await options
    .handleClick({
      platform: 'slack',
      workspace,
      channel,
      messageId,
      accountId: `${workspace}:${payload.user.id}`,
      proposalId: action.value ?? '',
      decision: action.action_id === slackActions.approve ? 'approve' : action.action_id === slackActions.acknowledge ? 'acknowledge' : 'reject',
      requestKey,
    })
    .catch(async (error: unknown) => {
      // Acknowledged already: the clicker hears that nothing happened rather than nothing at all.
      await options.answerPrivately(recipient, unavailableAnswer);
      throw error;
    });
  if (outcome.answer === null) return;
  const answered = await options.answerPrivately(recipient, outcome.answer);
  if (!answered.ok) options.log.warn({ code: answered.error.code, reason: answered.error.message }, 'slack private answer not delivered');
}

/** A verified `/awoooi` command through the command door, answered to the one who typed it. */
export async function handleSlackCommand(options: SlackDoors, command: SlackSlashCommand, requestKey: string): Promise<void> {
  const answer = await options.handleCommand({
    platform: 'slack',
    workspace: command.team_id,
    channel: command.channel_id,
    accountId: `${command.team_id}:${command.user_id}`,
    text: command.text,
    requestKey,
  });
  const answered = await options.answerPrivately({ workspace: command.team_id, channel: command.channel_id, user: command.user_id }, answer.text);
  if (!answered.ok) options.log.warn({ code: answered.error.code, reason: answered.error.message }, 'slack command answer not delivered');
}
