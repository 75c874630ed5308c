import { z } from 'zod';
import { severities } from '../alerts/alert.ts';

// The chat platforms of the configuration (ADR 0014, 0016, 0028, 0029), each on when its credentials are set.

/** A channel for some incidents: all conditions given must hold; the first matching route wins. */
const chatRoute = (channel: z.ZodType<string>) =>
  z
    .object({
      channel,
      severities: z.array(z.enum(severities)).min(1).optional(),
      services: z.array(z.string().min(1)).min(1).optional(),
      namespaces: z.array(z.string().min(1)).min(1).optional(),
      /** Names from the top-level `teams`. */
      teams: z.array(z.string().min(1)).min(1).optional(),
    })
    .strict();

/** Who owns what, for chat routes by team: a team owns the services it names and all services of its namespaces. */
export const teamsSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a team name: letters, digits, . _ -'),
    z
      .object({ services: z.array(z.string().min(1)).min(1).optional(), namespaces: z.array(z.string().min(1)).min(1).optional() })
      .strict()
      .refine((team) => team.services !== undefined || team.namespaces !== undefined, 'name services or namespaces'),
  )
  .default({});

export const slackSchema = z
  .object({
    /** Bot User OAuth Token (xoxb-…): posts and updates the cards. */
    botToken: z
      .string()
      .regex(/^xoxb-[A-Za-z0-9-]+$/, 'must be a bot token (xoxb-…)')
      .optional(),
    /** Signs every request Slack sends (Basic Information → Signing Secret). */
    signingSecret: z
      .string()
      .regex(/^[A-Za-z0-9]{16,128}$/, 'must be the app signing secret (letters and digits)')
      .optional(),
    /** App-level token (xapp-…, scope connections:write): Socket Mode instead of (or beside) the HTTP routes (ADR 0029). */
    appToken: z
      .string()
      .regex(/^xapp-[A-Za-z0-9-]+$/, 'must be an app-level token (xapp-…)')
      .optional(),
    /** Channel id the cards go to (C…, G…). */
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,40}$/, 'must be a channel id such as C0123ABCD (not a #name)')
      .optional(),
    /** Web API base; tests and proxies point it elsewhere. */
    apiUrl: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
    /** Channels by severity or service, e.g. [{severities: [critical], channel: C0PAGE}]; others go to `channel`. */
    routes: z.array(chatRoute(z.string().regex(/^[CG][A-Z0-9]{2,40}$/, 'must be a channel id such as C0123ABCD'))).default([]),
  })
  .strict()
  .superRefine((slack, context) => {
    // Socket Mode needs no signing secret: the app token opens the socket, and nothing arrives over HTTP.
    const inbound = slack.signingSecret ?? slack.appToken;
    const set = [slack.botToken, inbound, slack.channel].filter((value) => value !== undefined).length;
    if (set > 0 && set < 3)
      context.addIssue({
        code: 'custom',
        message:
          'botToken, signingSecret and channel go together (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL); with SLACK_APP_TOKEN (Socket Mode) the signing secret may be left out',
      });
  })
  .default({ apiUrl: 'https://slack.com/api/', routes: [] });

export const telegramSchema = z
  .object({
    /** From @BotFather: `123456:ABC-…`. */
    botToken: z
      .string()
      .regex(/^\d{3,20}:[A-Za-z0-9_-]{20,100}$/, 'must be a bot token from @BotFather (digits:letters)')
      .optional(),
    /** The secret given to setWebhook; Telegram sends it in X-Telegram-Bot-Api-Secret-Token. Without it: long polling. */
    webhookSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 characters of A-Z a-z 0-9 _ -')
      .optional(),
    /** The chat (group, supergroup, channel) the cards go to, e.g. -1001234567890. */
    chatId: z.coerce
      .string()
      .regex(/^-?\d{1,20}$/, 'must be a numeric chat id such as -1001234567890')
      .optional(),
    /** Bot API base; tests and proxies point it elsewhere. */
    apiUrl: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
    /** Chats by severity or service; others go to `chatId`. */
    routes: z.array(chatRoute(z.coerce.string().regex(/^-?\d{1,20}$/, 'must be a numeric chat id'))).default([]),
  })
  .strict()
  .superRefine((telegram, context) => {
    if ((telegram.botToken === undefined) !== (telegram.chatId === undefined) || (telegram.webhookSecret !== undefined && telegram.botToken === undefined))
      context.addIssue({
        code: 'custom',
        message: 'botToken and chatId go together (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID); TELEGRAM_WEBHOOK_SECRET only with them (without it: long polling)',
      });
  })
  .default({ apiUrl: 'https://api.telegram.org', routes: [] });

const snowflake = (what: string) => z.coerce.string().regex(/^\d{15,25}$/, `must be a numeric Discord id (${what}; Developer Mode → Copy ID)`);

export const discordSchema = z
  .object({
    /** Developer Portal → General Information → Public Key (64 hex): verifies every interaction. */
    publicKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the application public key (64 hex characters)')
      .optional(),
    /** Developer Portal → General Information → Application ID. */
    applicationId: snowflake('the application id').optional(),
    /** Developer Portal → Bot → Token. */
    botToken: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{50,120}$/, 'must be the bot token (Developer Portal → Bot → Reset Token), not the public key or client secret')
      .optional(),
    /** The text channel the cards go to. */
    channelId: snowflake('the channel id').optional(),
    /** API base without the version; tests and proxies point it elsewhere. */
    apiUrl: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    /** Channels by severity, service, namespace or team; others go to `channelId`. */
    routes: z.array(chatRoute(snowflake('a channel id'))).default([]),
  })
  .strict()
  .superRefine((discord, context) => {
    const set = [discord.publicKey, discord.applicationId, discord.botToken, discord.channelId].filter((value) => value !== undefined).length;
    if (set > 0 && set < 4)
      context.addIssue({
        code: 'custom',
        message:
          'publicKey, applicationId, botToken and channelId go together (DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN, DISCORD_CHANNEL_ID)',
      });
  })
  .default({ apiUrl: 'https://discord.com/api', routes: [] });

/**
 * The whole configuration, from environment variables and an optional awoooi.yaml.
 * Loaded once at start and passed down; never read from process.env elsewhere.
 */
