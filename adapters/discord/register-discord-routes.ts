import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatIssues } from '../../src/alerts/format-issues.ts';
import { type ChatClick, type ChatClickOutcome, unavailableAnswer } from '../../src/chat/handle-chat-click.ts';
import type { ChatCommand, ChatCommandAnswer } from '../../src/chat/handle-chat-command.ts';
import { registerAcknowledgedScope } from '../../src/http/acknowledged-scope.ts';
import type { ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { KeyObject } from 'node:crypto';
import { discordAnswerTo } from './discord-chat.ts';
import { discordCommandText } from './discord-commands.ts';
import { commandData, componentData, type DiscordInteraction, discordInteraction, interactionTypes } from './discord-payloads.ts';
import { discordCustomId } from './render-discord-card.ts';
import { verifyDiscordSignature } from './verify-discord-signature.ts';

export interface DiscordRoutesOptions {
  publicKey: KeyObject;
  clock: Clock;
  log: Logger;
  answerPrivately: (recipient: PrivateRecipient, text: string) => Promise<ChatResult<void>>;
  handleClick: (click: ChatClick) => Promise<ChatClickOutcome>;
  handleCommand: (command: ChatCommand) => Promise<ChatCommandAnswer>;
  bodyLimitBytes?: number;
}

/** Callback types of an interaction response (fixtures/README.md). */
const callback = { pong: 1, deferredMessage: 5, deferredUpdate: 6 } as const;
const ephemeral = 64;
// Where an interaction outside a guild (a direct message) says it came from: never a card's guild.
const noGuild = 'direct-message';

/**
 * Discord's inbound door (ADR 0028): `POST /discord/interactions`. The Ed25519 signature is checked on the raw
 * bytes before anything is parsed (401 otherwise; PING is answered only when signed, as Discord tests with bad
 * signatures). A button click is acknowledged at once with a deferred update (type 6) and then goes through
 * `handleClick`; a slash command with a deferred ephemeral reply (type 5) and then through the command door. The
 * answers reach only the one who asked (ephemeral, flags 64).
 */
export function registerDiscordRoutes(app: FastifyInstance, options: DiscordRoutesOptions): void {
  registerAcknowledgedScope(app, 'discord', options.log, (scope, later) => {
    scope.post('/discord/interactions', { bodyLimit: options.bodyLimitBytes ?? 256 * 1024 }, async (request: FastifyRequest, reply: FastifyReply) => {
      const route = '/discord/interactions';
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const rawBody = request.rawBody ?? Buffer.alloc(0);
      const signature = header('x-signature-ed25519');
      const check = verifyDiscordSignature({ timestamp: header('x-signature-timestamp'), signature, rawBody }, options.publicKey, options.clock.now());
      if (!check.ok) {
        options.log.info({ route, status: 401, reason: check.reason }, 'request refused: 401');
        return reply.code(401).send({ error: 'invalid_signature', message: 'Discord signature missing, stale or wrong.' });
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return badRequest(reply, options.log, 'body is not valid JSON');
      }
      const parsed = discordInteraction.safeParse(body);
      if (!parsed.success) return badRequest(reply, options.log, formatIssues(parsed.error).join('; '));
      const interaction = parsed.data;
      const requestKey = `signature:${signature}`;
      if (interaction.type === interactionTypes.ping) return reply.code(200).send({ type: callback.pong });
      if (interaction.type === interactionTypes.component) {
        const data = componentData.safeParse(interaction.data);
        if (!data.success) return badRequest(reply, options.log, 'a component interaction without custom_id');
        reply.code(200).send({ type: callback.deferredUpdate });
        later('click', () => click(options, interaction, data.data.custom_id, requestKey));
        return reply;
      }
      if (interaction.type === interactionTypes.command) {
        const data = commandData.safeParse(interaction.data);
        if (!data.success || data.data.name !== 'awoooi') return badRequest(reply, options.log, 'not the /awoooi command');
        reply.code(200).send({ type: callback.deferredMessage, data: { flags: ephemeral } });
        later('command', () => command(options, interaction, discordCommandText(data.data), requestKey));
        return reply;
      }
      return badRequest(reply, options.log, `interaction type ${interaction.type} is not handled`);
    });
  });
}

function badRequest(reply: FastifyReply, log: Logger, reason: string) {
  log.info({ route: '/discord/interactions', status: 400, reason }, 'request refused: 400');
  return reply.code(400).send({ error: 'bad_request', message: reason });
}

/** Who and where: the guild (or none, in a direct message), the channel and the user. */
function origin(interaction: DiscordInteraction) {
  const user = interaction.member?.user.id ?? interaction.user?.id ?? 'unknown';
  const workspace = interaction.guild_id ?? noGuild;
  const channel = interaction.channel_id ?? interaction.channel?.id ?? 'unknown';
  return { workspace, channel, user };
}

async function click(options: DiscordRoutesOptions, interaction: DiscordInteraction, customId: string, requestKey: string): Promise<void> {
  const { workspace, channel, user } = origin(interaction);
  const recipient = { workspace, channel, user, interaction: discordAnswerTo.followUp(interaction.token) };
  const decoded = discordCustomId.decode(customId);
  if (decoded === undefined || interaction.message === undefined) {
    await answer(options, recipient, 'This button is not one of ours; nothing was changed.');
    return;
  }
  const outcome = await options
    .handleClick({
      platform: 'discord',
      workspace,
      channel,
      messageId: interaction.message.id,
      accountId: `${workspace}:${user}`,
      proposalId: decoded.proposalId,
      decision: decoded.decision,
      requestKey,
    })
    .catch(async (error: unknown) => {
      // Acknowledged already: the clicker hears that nothing happened rather than nothing at all.
      await answer(options, recipient, unavailableAnswer);
      throw error;
    });
  if (outcome.answer !== null) await answer(options, recipient, outcome.answer);
}

async function command(options: DiscordRoutesOptions, interaction: DiscordInteraction, text: string, requestKey: string): Promise<void> {
  const { workspace, channel, user } = origin(interaction);
  const result = await options.handleCommand({ platform: 'discord', workspace, channel, accountId: `${workspace}:${user}`, text, requestKey });
  await answer(options, { workspace, channel, user, interaction: discordAnswerTo.original(interaction.token) }, result.text);
}

async function answer(options: DiscordRoutesOptions, recipient: PrivateRecipient, text: string): Promise<void> {
  const answered = await options.answerPrivately(recipient, text);
  if (!answered.ok) options.log.warn({ code: answered.error.code, reason: answered.error.message }, 'discord private answer not delivered');
}
