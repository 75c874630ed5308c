import { formatIssues } from '../../src/alerts/format-issues.ts';
import type { ChatResult } from '../../src/ports/chat-port.ts';
import { handleTelegramUpdate, type TelegramDoors } from './handle-telegram-update.ts';
import { telegramUpdate } from './telegram-payloads.ts';

export interface TelegramUpdateSource {
  fetchUpdates(offset: number, waitSeconds: number, signal: AbortSignal): Promise<ChatResult<unknown[]>>;
}

/**
 * Telegram by long polling (no public address needed): getUpdates in a loop, each update through the same door
 * as the webhook's, the offset moved past every update seen. A failure waits (as long as a 429 asks, else 5 s)
 * and polls again; the bot never stops for it. Returns the function that stops polling.
 */
export function pollTelegramUpdates(
  source: TelegramUpdateSource,
  doors: TelegramDoors,
  options: { waitSeconds?: number; retryMilliseconds?: number } = {},
): () => Promise<void> {
  const controller = new AbortController();
  const waitSeconds = options.waitSeconds ?? 25;
  const retryMilliseconds = options.retryMilliseconds ?? 5_000;
  const pause = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, milliseconds);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const loop = async () => {
    let offset = 0;
    while (!controller.signal.aborted) {
      const fetched = await source.fetchUpdates(offset, waitSeconds, controller.signal);
      if (controller.signal.aborted) return;
      if (!fetched.ok) {
        doors.log.warn({ code: fetched.error.code, reason: fetched.error.message }, 'telegram updates not fetched; polling again');
        await pause(fetched.error.retryAfterMilliseconds ?? retryMilliseconds);
        continue;
      }
      for (const raw of fetched.value) {
        const update = telegramUpdate.safeParse(raw);
        const id = (raw as { update_id?: unknown }).update_id;
        if (typeof id === 'number' && id >= offset) offset = id + 1;
        if (!update.success) {
          doors.log.info({ reason: formatIssues(update.error).join('; ') }, 'telegram update ignored: not readable');
          continue;
        }
        await handleTelegramUpdate(doors, update.data).catch((error: unknown) => doors.log.error({ err: error }, 'telegram update failed'));
      }
    }
  };
  const running = loop();
  return async () => {
    controller.abort();
    await running;
  };
}
