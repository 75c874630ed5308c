import { z } from 'zod';

// Deliberately partial: only the fields we read of a Telegram Update; unknown update kinds pass and are ignored.
const chat = z.object({ id: z.number().int() });
const user = z.object({ id: z.number().int() });

export const telegramUpdate = z.object({
  update_id: z.number().int(),
  message: z
    .object({
      message_id: z.number().int(),
      chat,
      from: user.optional(),
      text: z.string().max(4096).optional(),
    })
    .optional(),
  callback_query: z
    .object({
      id: z.string().min(1).max(256),
      from: user,
      message: z.object({ message_id: z.number().int(), chat }).optional(),
      data: z.string().max(256).optional(),
    })
    .optional(),
});
export type TelegramUpdate = z.infer<typeof telegramUpdate>;
