import { z } from 'zod';

// Deliberately partial schemas of what Slack sends: only the fields we read, unknown ones ignored.

/** Events API handshake and event envelopes (JSON bodies). */
export const slackEventEnvelope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().min(1).max(512) }),
  z.object({ type: z.literal('event_callback'), team_id: z.string().optional() }),
  z.object({ type: z.literal('app_rate_limited') }),
]);

/** A button click (`payload=` of a form body). */
export const slackBlockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1).max(64), team_id: z.string().min(1).max(64).optional() }),
  team: z
    .object({ id: z.string().min(1).max(64) })
    .nullable()
    .optional(),
  container: z.object({ channel_id: z.string().min(1).max(64).optional(), message_ts: z.string().min(1).max(64).optional() }).optional(),
  channel: z.object({ id: z.string().min(1).max(64) }).optional(),
  message: z.object({ ts: z.string().min(1).max(64) }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional(), type: z.string().optional() }))
    .min(1)
    .max(25),
});
export type SlackBlockActions = z.infer<typeof slackBlockActions>;

/** A slash command (form body). */
export const slackSlashCommand = z.object({
  command: z.string().min(1).max(64),
  text: z.string().max(4000).default(''),
  team_id: z.string().min(1).max(64),
  channel_id: z.string().min(1).max(64),
  user_id: z.string().min(1).max(64),
});
export type SlackSlashCommand = z.infer<typeof slackSlashCommand>;
