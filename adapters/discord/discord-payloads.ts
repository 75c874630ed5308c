import { z } from 'zod';

// Deliberately partial schemas of what we read of Discord's interactions (discord-api-docs, receiving-and-responding).

const snowflake = z.string().regex(/^\d{1,25}$/);
const user = z.object({ id: snowflake });

const commandOption = z.object({
  type: z.number().int(),
  name: z.string().max(100),
  value: z.union([z.string().max(6000), z.number(), z.boolean()]).optional(),
  get options() {
    return z.array(commandOption).max(25).optional();
  },
});

const commandData = z.object({ name: z.string().max(100), options: z.array(commandOption).max(25).optional() });
export type DiscordCommandData = z.infer<typeof commandData>;

/** The interaction types we answer: PING, APPLICATION_COMMAND, MESSAGE_COMPONENT. */
export const interactionTypes = { ping: 1, command: 2, component: 3 } as const;

export const discordInteraction = z.object({
  id: snowflake,
  type: z.number().int(),
  token: z.string().min(1).max(1000),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.object({ id: snowflake }).optional(),
  /** In a guild: the member and their user; in a direct message: `user`. */
  member: z.object({ user }).optional(),
  user: user.optional(),
  message: z.object({ id: snowflake }).optional(),
  data: z.unknown().optional(),
});
export type DiscordInteraction = z.infer<typeof discordInteraction>;

export const componentData = z.object({ custom_id: z.string().max(100), component_type: z.number().int() });
export { commandData };
