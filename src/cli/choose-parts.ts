import { RuleBrain } from '../brain/rule-brain.ts';
import type { Config, PersonConfig } from '../config/config-schema.ts';
import { InProcessEventBus } from '../events/in-process-event-bus.ts';
import { RedisEventBus } from '../events/redis-event-bus.ts';
import type { BrainPort } from '../ports/brain-port.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import type { EventBus } from '../ports/event-bus.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { SlackChat } from '../../adapters/slack/slack-chat.ts';
import { TelegramChat } from '../../adapters/telegram/telegram-chat.ts';
import { DiscordChat } from '../../adapters/discord/discord-chat.ts';
import { discordPublicKey } from '../../adapters/discord/verify-discord-signature.ts';
import type { KeyObject } from 'node:crypto';
import { demoPeople } from '../../adapters/webconsole/demo-people.ts';

/** The outside systems the bot talks to, each real when configured and embedded or simulated otherwise. */
export interface BotParts {
  cluster: ClusterPort;
  brain: BrainPort;
  events: EventBus;
  people: readonly PersonConfig[];
  /** Slack, when configured (ADR 0014): cards go there and its requests come in at /slack/*. */
  slack: { chat: SlackChat; signingSecret: string | undefined; appToken: string | undefined; apiUrl: string } | undefined;
  /** Telegram, when configured (ADR 0016): cards go to its chat and its updates come in at /telegram/webhook. */
  telegram: { chat: TelegramChat; webhookSecret: string | undefined } | undefined;
  /** Discord, when configured (ADR 0028): cards go to its channel and its interactions come in at /discord/interactions. */
  discord: { chat: DiscordChat; publicKey: KeyObject } | undefined;
  /** No people configured: the web console offers demo people and says so. */
  demoMode: boolean;
  /** For the start-up log: part → what it is. */
  description: Record<string, string>;
}

export interface PartOverrides {
  cluster?: ClusterPort;
  brain?: BrainPort;
}

/** Picks an adapter per port from the configuration (the cluster comes from chooseCluster; later issues add Slack, LLMs here). */
export async function chooseParts(config: Config, clock: Clock, overrides: PartOverrides = {}): Promise<BotParts> {
  const cluster = overrides.cluster ?? SandboxCluster.withDemoData({ clock });
  const brain = overrides.brain ?? new RuleBrain();
  let events: EventBus;
  if (config.storage.redisUrl) {
    const redis = new RedisEventBus(config.storage.redisUrl);
    await Promise.race([redis.ready(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    events = redis;
  } else events = new InProcessEventBus();
  const demoMode = config.approvals.people.length === 0;
  const people = demoMode ? demoPeople : config.approvals.people;
  const { botToken, signingSecret, appToken, channel, apiUrl } = config.slack;
  const slack =
    botToken !== undefined && (signingSecret !== undefined || appToken !== undefined) && channel !== undefined
      ? { chat: new SlackChat({ botToken, channel, apiUrl, consoleUrl: config.server.publicUrl }), signingSecret, appToken, apiUrl }
      : undefined;
  const telegramConfig = config.telegram;
  const telegram =
    telegramConfig.botToken !== undefined && telegramConfig.chatId !== undefined
      ? {
          chat: new TelegramChat({
            botToken: telegramConfig.botToken,
            chatId: telegramConfig.chatId,
            apiUrl: telegramConfig.apiUrl,
            consoleUrl: config.server.publicUrl,
          }),
          webhookSecret: telegramConfig.webhookSecret,
        }
      : undefined;
  const discordConfig = config.discord;
  const discordKey = discordConfig.publicKey === undefined ? undefined : discordPublicKey(discordConfig.publicKey);
  const discord =
    discordKey !== undefined && discordConfig.applicationId !== undefined && discordConfig.botToken !== undefined && discordConfig.channelId !== undefined
      ? {
          chat: new DiscordChat({
            botToken: discordConfig.botToken,
            applicationId: discordConfig.applicationId,
            channelId: discordConfig.channelId,
            apiUrl: discordConfig.apiUrl,
            consoleUrl: config.server.publicUrl,
          }),
          publicKey: discordKey,
        }
      : undefined;
  const telegramMode =
    telegram === undefined ? undefined : `${telegram.chat.description} (${telegram.webhookSecret === undefined ? 'long polling' : 'webhook'})`;
  const slackMode =
    slack === undefined
      ? undefined
      : `${slack.chat.description} (${[slack.signingSecret && 'HTTP', slack.appToken && 'Socket Mode'].filter(Boolean).join(' + ')})`;
  const chats = [slackMode, telegramMode, discord?.chat.description].filter((description) => description !== undefined);
  return {
    slack,
    telegram,
    discord,
    cluster,
    brain,
    events,
    people,
    demoMode,
    description: {
      cluster: `${cluster.description}${cluster.simulated ? ' — SIMULATED, nothing real is changed' : ''}`,
      brain: brain.description,
      chat: ['web console at / (built in)', ...chats].join('; '),
      people: demoMode
        ? `DEMO people (${people.map((person) => `${person.id} ${person.roles.join('+')}`).join(', ')}); configure approvals.people for real sign-in`
        : `${people.length} configured`,
      liveUpdates: config.storage.redisUrl ? 'Redis pub/sub (real)' : 'in-process (single replica)',
    },
  };
}
