import type { FastifyInstance } from 'fastify';
import { requestDiagnosis } from '../chat/request-diagnosis.ts';
import { resolvePerson } from '../approval/resolve-person.ts';
import type { IngestResult } from '../ingest/ingest-alerts.ts';
import type { ChatCommand } from '../chat/handle-chat-command.ts';
import type { ApprovalDependencies } from '../approval/approval-dependencies.ts';
import type { IncidentCard } from '../cards/incident-card.ts';
import { firstReceipt, startReceiptPruning } from '../chat/chat-receipts.ts';
import { handleClick } from '../approval/handle-click.ts';
import { type AcknowledgeByAccount, handleChatClick } from '../chat/handle-chat-click.ts';
import { handleChatCommand } from '../chat/handle-chat-command.ts';
import type { FinOpsCommandDependencies } from '../chat/finops-command.ts';
import { describeOnCall } from '../oncall/describe-on-call.ts';
import { redisLimiters } from '../chat/redis-limiters.ts';
import { startChatPublisher, type ChatPublisher } from '../chat/start-chat-publisher.ts';
import { placeOf } from '../chat/route-card.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ChatPort, PrivateRecipient } from '../ports/chat-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { registerSlackRoutes } from '../../adapters/slack/register-slack-routes.ts';
import { startSlackSocketMode, type SlackSocketMode } from '../../adapters/slack/slack-socket-mode.ts';
import { pollTelegramUpdates } from '../../adapters/telegram/poll-telegram-updates.ts';
import { registerTelegramRoutes } from '../../adapters/telegram/register-telegram-routes.ts';
import { registerDiscordRoutes } from '../../adapters/discord/register-discord-routes.ts';
import type { BotParts } from './choose-parts.ts';
import { reachInBackground } from './reach-in-background.ts';

export interface ChatSurfaces {
  publisher: ChatPublisher | undefined;
  /** Each platform's state for `/readyz` details. */
  details(): Record<string, string>;
  /** Stops listening and retrying (before the HTTP server closes). */
  stop(): void;
  /** Closes what jobs may still use (after the job queue stopped). */
  close(): Promise<void>;
}

/**
 * The chat platforms that are configured (Slack, Telegram, Discord): their routes, one publisher for their cards, and a
 * background check that each is reachable. Nothing when none is configured: the web console is always there.
 */
export async function startChat(
  app: FastifyInstance,
  deps: {
    config: Config;
    parts: BotParts;
    approval: ApprovalDependencies;
    jobs: JobQueue;
    log: Logger;
    graph: () => TopologyGraph;
    buildCard: (incidentId: string) => Promise<IncidentCard | null>;
    /** Acknowledge buttons (cards and direct messages), when paging is wired. */
    acknowledge?: AcknowledgeByAccount;
    finops?: FinOpsCommandDependencies;
    /** The generic alert door, for `/awoooi diagnose` of a service nothing alerts on. */
    ingest?: (body: unknown) => Promise<IngestResult>;
  },
): Promise<ChatSurfaces> {
  const { config, parts, approval, log, buildCard } = deps;
  const { db, clock } = approval;
  const chats: ChatPort[] = [];
  const reachers: (() => void)[] = [];
  const handleCardClick = (click: unknown) => handleChatClick(approval, click, deps.acknowledge);
  const handleCommand = (command: Parameters<typeof handleChatCommand>[1]) =>
    handleChatCommand(
      {
        db,
        graph: deps.graph,
        maxDepth: config.topology.maxDepth,
        buildCard,
        log,
        decide: (click) => handleClick(approval, click),
        onCall: (at) => describeOnCall(config.oncall.schedules, config.approvals.people, at),
        now: () => clock.now(),
        ...(deps.finops === undefined ? {} : { finops: deps.finops }),
        ...(deps.ingest === undefined
          ? {}
          : {
              diagnosis: {
                request: (service: string, requestedBy: string) => requestDiagnosis({ ingest: deps.ingest!, log }, service, requestedBy),
                personOf: (platform: ChatCommand['platform'], accountId: string) => resolvePerson(approval.people, platform, accountId)?.id,
              },
            }),
      },
      command,
    );

  const { slack, telegram, discord } = parts;
  let socketMode: SlackSocketMode | undefined;
  if (slack !== undefined) {
    chats.push(slack.chat);
    reachers.push(reachInBackground(() => slack.chat.workspace(), log));
    const doors = {
      log,
      answerPrivately: (recipient: PrivateRecipient, text: string) => slack.chat.answerPrivately(recipient, text),
      handleClick: handleCardClick,
      handleCommand,
    };
    if (slack.signingSecret !== undefined) registerSlackRoutes(app, { signingSecret: slack.signingSecret, clock, ...doors });
    // Socket Mode (ADR 0029): the same doors, over a WebSocket the bot opens; no public URL needed.
    if (slack.appToken !== undefined) socketMode = startSlackSocketMode({ appToken: slack.appToken, apiUrl: slack.apiUrl, ...doors });
  }
  let stopPolling = async () => {};
  let pollingStopped: Promise<void> = Promise.resolve();
  if (telegram !== undefined) {
    chats.push(telegram.chat);
    reachers.push(reachInBackground(() => telegram.chat.reach(), log));
    const doors = {
      log,
      answerPrivately: (recipient: PrivateRecipient, text: string) => telegram.chat.answerPrivately(recipient, text),
      handleClick: handleCardClick,
      handleCommand,
      firstDelivery: (key: string) => firstReceipt(db, 'telegram', key, clock.now()),
    };
    if (telegram.webhookSecret !== undefined) registerTelegramRoutes(app, { webhookSecret: telegram.webhookSecret, ...doors });
    else stopPolling = pollTelegramUpdates(telegram.chat, doors);
  }
  if (discord !== undefined) {
    chats.push(discord.chat);
    reachers.push(reachInBackground(() => discord.chat.reach(), log));
    registerDiscordRoutes(app, {
      publicKey: discord.publicKey,
      clock,
      log,
      answerPrivately: (recipient, text) => discord.chat.answerPrivately(recipient, text),
      handleClick: handleCardClick,
      handleCommand,
    });
  }
  const details = (): Record<string, string> => ({
    ...(slack === undefined ? {} : { slack: slack.chat.health() }),
    ...(socketMode === undefined ? {} : { slackSocketMode: socketMode.health() }),
    ...(telegram === undefined ? {} : { telegram: telegram.chat.health() }),
    ...(discord === undefined ? {} : { discord: discord.chat.health() }),
  });
  if (chats.length === 0) return { publisher: undefined, details, stop: () => {}, close: async () => {} };
  let socketStopped: Promise<void> = Promise.resolve();
  const stopPruning = startReceiptPruning(db, clock, log);

  const limiters = config.storage.redisUrl ? redisLimiters(config.storage.redisUrl) : undefined;
  await limiters?.ready();
  const publisher = await startChatPublisher({
    db,
    jobs: deps.jobs,
    events: parts.events,
    clock,
    log,
    buildCard,
    chats,
    routes: { slack: config.slack.routes, telegram: config.telegram.routes, discord: config.discord.routes },
    placeOf: (card) => {
      const graph = deps.graph();
      return placeOf(
        card,
        (service) => {
          const node = graph.indexOf(service);
          return node < 0 ? undefined : graph.namespaceOf(node);
        },
        config.teams,
      );
    },
    ...(limiters === undefined ? {} : { limiterOf: limiters.limiterOf }),
  });
  return {
    publisher,
    details,
    stop: () => {
      publisher.stop();
      stopPruning();
      pollingStopped = stopPolling();
      socketStopped = socketMode?.stop() ?? Promise.resolve();
      for (const stop of reachers) stop();
    },
    close: async () => {
      await pollingStopped;
      await socketStopped;
      await limiters?.close();
    },
  };
}
