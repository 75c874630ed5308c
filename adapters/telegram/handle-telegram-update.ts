import { type ChatClick, type ChatClickOutcome, unavailableAnswer } from '../../src/chat/handle-chat-click.ts';
import type { ChatCommand, ChatCommandAnswer } from '../../src/chat/handle-chat-command.ts';
import type { ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { telegramCallback } from './render-telegram-card.ts';
import type { TelegramUpdate } from './telegram-payloads.ts';

/** The core's doors as a Telegram update reaches them, by webhook or by long polling. */
export interface TelegramDoors {
  log: Logger;
  answerPrivately: (recipient: PrivateRecipient, text: string) => Promise<ChatResult<void>>;
  handleClick: (click: ChatClick) => Promise<ChatClickOutcome>;
  handleCommand: (command: ChatCommand) => Promise<ChatCommandAnswer>;
  /** False when this update was handled before (Telegram redelivers until it gets a 200). */
  firstDelivery: (key: string) => Promise<boolean>;
}

const commandPattern = /^\/awoooi(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/;

/**
 * One verified Telegram update: a button click goes through `handleClick` (de-duplicated by `update_id`) and is
 * answered with an alert only the clicker sees; an `/awoooi` command is answered in its chat.
 */
export async function handleTelegramUpdate(options: TelegramDoors, update: TelegramUpdate): Promise<void> {
  const callback = update.callback_query;
  if (callback !== undefined) {
    const chat = callback.message === undefined ? undefined : String(callback.message.chat.id);
    const recipient = { workspace: chat ?? '', channel: chat ?? '', user: String(callback.from.id), interaction: callback.id };
    const decoded = telegramCallback.decode(callback.data ?? '');
    if (decoded === undefined || callback.message === undefined || chat === undefined) {
      await answer(options, recipient, 'This button is not one of ours; nothing was changed.');
      return;
    }
    const outcome = await options
      .handleClick({
        platform: 'telegram',
        workspace: chat,
        channel: chat,
        messageId: String(callback.message.message_id),
        accountId: String(callback.from.id),
        proposalId: decoded.proposalId,
        decision: decoded.decision,
        requestKey: `update:${update.update_id}`,
      })
      .catch(async (error: unknown) => {
        await answer(options, recipient, unavailableAnswer);
        throw error;
      });
    if (outcome.answer !== null) await answer(options, recipient, outcome.answer);
    return;
  }
  const message = update.message;
  const command = message?.text === undefined ? null : commandPattern.exec(message.text.trim());
  if (message === undefined || command === null || message.from === undefined) return;
  if (!(await options.firstDelivery(`update:${update.update_id}`))) return;
  const chat = String(message.chat.id);
  const result = await options.handleCommand({
    platform: 'telegram',
    workspace: chat,
    channel: chat,
    accountId: String(message.from.id),
    text: command[1] ?? 'help',
  });
  await answer(options, { workspace: chat, channel: chat, user: String(message.from.id) }, result.text);
}

async function answer(options: TelegramDoors, recipient: PrivateRecipient, text: string): Promise<void> {
  const answered = await options.answerPrivately(recipient, text);
  if (!answered.ok) options.log.warn({ code: answered.error.code, reason: answered.error.message }, 'telegram answer not delivered');
}
