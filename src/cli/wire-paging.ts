import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { PagerPort, PagingChannel } from '../ports/pager-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { Kysely } from 'kysely';
import { acknowledgeByAccount, acknowledgeByProvider, acknowledgeBySms } from '../paging/acknowledge-doors.ts';
import { deactivatePaging } from '../paging/activate-paging.ts';
import type { PageablePerson, PagingDependencies } from '../paging/paging-dependencies.ts';
import { type Paging, startPaging } from '../paging/start-paging.ts';
import { DiscordPager } from '../../adapters/discord/discord-pager.ts';
import { NtfyPager } from '../../adapters/ntfy/ntfy-pager.ts';
import { OpsgeniePager } from '../../adapters/opsgenie/opsgenie-pager.ts';
import { registerOpsgenieWebhook } from '../../adapters/opsgenie/register-opsgenie-webhook.ts';
import { PagerDutyPager } from '../../adapters/pagerduty/pagerduty-pager.ts';
import { registerPagerDutyWebhook } from '../../adapters/pagerduty/register-pagerduty-webhook.ts';
import { SlackPager } from '../../adapters/slack/slack-pager.ts';
import { TelegramPager } from '../../adapters/telegram/telegram-pager.ts';
import { registerTwilioWebhook } from '../../adapters/twilio/register-twilio-webhook.ts';
import { TwilioPager } from '../../adapters/twilio/twilio-pager.ts';

/**
 * The pagers the configuration switches on (ADR 0026). Slack, Telegram and Discord direct messages use the chat
 * bots' tokens.
 */
export function choosePagers(config: Config): Map<PagingChannel, PagerPort> {
  const pagers = new Map<PagingChannel, PagerPort>();
  const add = (pager: PagerPort) => pagers.set(pager.channel, pager);
  const { paging, slack, telegram } = config;
  if (slack.botToken !== undefined) add(new SlackPager({ botToken: slack.botToken, apiUrl: slack.apiUrl }));
  if (telegram.botToken !== undefined) add(new TelegramPager({ botToken: telegram.botToken, apiUrl: telegram.apiUrl }));
  if (config.discord.botToken !== undefined) add(new DiscordPager({ botToken: config.discord.botToken, apiUrl: config.discord.apiUrl }));
  if (paging.twilio !== undefined) {
    add(new TwilioPager('sms', paging.twilio));
    add(new TwilioPager('voice', paging.twilio));
  }
  if (paging.pagerduty !== undefined) add(new PagerDutyPager(paging.pagerduty));
  if (paging.opsgenie !== undefined) add(new OpsgeniePager(paging.opsgenie));
  if (paging.ntfy !== undefined) add(new NtfyPager(paging.ntfy));
  return pagers;
}

export interface WiredPaging {
  paging: Paging | undefined;
  /** The Acknowledge buttons' door (cards, direct messages, the web console). */
  acknowledge: (input: { platform: string; accountId: string; escalationId: string }) => ReturnType<typeof acknowledgeByAccount>;
  /** For the start-up log: which pagers are real. */
  description: string;
}

/**
 * Paging's jobs, sweep and inbound webhooks. Without a policy nothing is paged (and the start-up log says so);
 * the Acknowledge door still answers.
 */
export async function wirePaging(
  app: FastifyInstance,
  deps: {
    config: Config;
    db: Kysely<DatabaseSchema>;
    jobs: JobQueue;
    clock: Clock;
    log: Logger;
    events: EventBus;
    people: readonly PageablePerson[];
    pagers?: Map<PagingChannel, PagerPort>;
  },
): Promise<WiredPaging> {
  const { config } = deps;
  const pagers = deps.pagers ?? choosePagers(config);
  const paging: PagingDependencies = {
    db: deps.db,
    jobs: deps.jobs,
    clock: deps.clock,
    log: deps.log.child({ part: 'paging' }),
    events: deps.events,
    settings: config.paging,
    schedules: config.oncall.schedules,
    people: deps.people,
    pagers,
    publicUrl: config.server.publicUrl,
  };
  const acknowledgeProvider = (via: 'pagerduty' | 'opsgenie') => (input: { dedupKey: string; by: string }) => acknowledgeByProvider(paging, { via, ...input });
  if (config.paging.twilio !== undefined) {
    registerTwilioWebhook(app, {
      authToken: config.paging.twilio.authToken,
      webhookUrl: config.paging.twilio.webhookUrl,
      log: paging.log,
      acknowledge: (input) => acknowledgeBySms(paging, input),
    });
  }
  if (config.paging.pagerduty?.webhookSecret !== undefined)
    registerPagerDutyWebhook(app, { secret: config.paging.pagerduty.webhookSecret, log: paging.log, acknowledge: acknowledgeProvider('pagerduty') });
  if (config.paging.opsgenie?.webhookSecret !== undefined)
    registerOpsgenieWebhook(app, { secret: config.paging.opsgenie.webhookSecret, log: paging.log, acknowledge: acknowledgeProvider('opsgenie') });
  const running = config.paging.policies.length > 0 ? await startPaging({ ...paging, jobs: deps.jobs, events: deps.events }) : undefined;
  if (running === undefined) await deactivatePaging(deps.db, paging.log);
  const names = [...pagers.values()].map((pager) => pager.description);
  const description =
    running === undefined
      ? 'off (no paging.policies)'
      : `${config.paging.policies.length} polic${config.paging.policies.length === 1 ? 'y' : 'ies'}; pagers: ${names.join(', ') || 'NONE configured'}`;
  return { paging: running, acknowledge: (input) => acknowledgeByAccount(paging, input), description };
}
