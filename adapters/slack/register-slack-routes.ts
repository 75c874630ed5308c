import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerAcknowledgedScope } from '../../src/http/acknowledged-scope.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { handleSlackClick, handleSlackCommand, type SlackDoors } from './handle-slack-interaction.ts';
import { slackBlockActions, slackEventEnvelope, slackSlashCommand } from './slack-payloads.ts';
import { escapeMrkdwn } from './slack-text.ts';
import { verifySlackSignature } from './verify-slack-signature.ts';

export interface SlackRoutesOptions extends SlackDoors {
  signingSecret: string;
  clock: Clock;
  /** Slack's payloads are small; anything larger is not Slack. */
  bodyLimitBytes?: number;
}

/** Every path Slack may be pointed at: Events API, Interactivity, Slash Commands (deploy/slack-manifest.yaml). */
export const slackPaths = ['/slack/events', '/slack/interactions', '/slack/commands'] as const;

/**
 * Slack's inbound door (ADR 0014). Each request is verified on its raw bytes (v0 HMAC, five-minute window)
 * before anything is parsed: 401 otherwise, nothing parsed, nothing changed. Clicks and commands are
 * acknowledged at once, within Slack's three seconds whatever the database is doing; the work (the click
 * through `handleClick`, the command through its door) follows, and its answer goes to the clicker alone.
 */
export function registerSlackRoutes(app: FastifyInstance, options: SlackRoutesOptions): void {
  registerAcknowledgedScope(app, 'slack', options.log, (scope, later) => {
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const rawBody = request.rawBody ?? Buffer.alloc(0);
      const signature = header('x-slack-signature');
      const check = verifySlackSignature({ timestamp: header('x-slack-request-timestamp'), signature, rawBody }, options.signingSecret, options.clock.now());
      if (!check.ok) {
        options.log.info({ route, status: 401, reason: check.reason }, 'request refused: 401');
        return reply.code(401).send({ error: 'invalid_signature', message: 'Slack signature missing, stale or wrong.' });
      }
      const text = rawBody.toString('utf8');
      if ((header('content-type') ?? '').startsWith('application/json')) return answerEvent(reply, text, route, options.log);

      const form = new URLSearchParams(text);
      const payloadText = form.get('payload');
      if (payloadText !== null) {
        let payload: unknown;
        try {
          payload = JSON.parse(payloadText);
        } catch {
          return badRequest(reply, options.log, route, 'payload is not JSON');
        }
        const clicked = slackBlockActions.safeParse(payload);
        // Other interactions (shortcuts, view submissions) are not ours: acknowledged, ignored.
        reply.code(200).send();
        if (clicked.success) later('click', () => handleSlackClick(options, clicked.data, signature ?? ''));
        return reply;
      }
      // Slack checks a slash command's certificate with a signed `ssl_check=1`: a 200 is all it wants.
      if (form.get('ssl_check') === '1') return reply.code(200).send();
      if (form.has('command')) {
        const command = slackSlashCommand.safeParse(Object.fromEntries(form));
        if (!command.success) return badRequest(reply, options.log, route, 'not a slash command');
        reply.code(200).send({ response_type: 'ephemeral', text: `Working on \`${escapeMrkdwn(command.data.text.slice(0, 100)) || 'help'}\`…` });
        later('command', () => handleSlackCommand(options, command.data, signature ?? ''));
        return reply;
      }
      return badRequest(reply, options.log, route, 'neither an event, an interaction nor a command');
    };
    for (const path of slackPaths) scope.post(path, { bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 }, handle);
  });
}

function badRequest(reply: FastifyReply, log: Logger, route: string, reason: string) {
  log.info({ route, status: 400, reason }, 'request refused: 400');
  return reply.code(400).send({ error: 'bad_request', message: reason });
}

function answerEvent(reply: FastifyReply, text: string, route: string, log: Logger) {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return badRequest(reply, log, route, 'body is not valid JSON');
  }
  const event = slackEventEnvelope.safeParse(body);
  if (event.success && event.data.type === 'url_verification') return reply.code(200).send({ challenge: event.data.challenge });
  // Events are not acted on yet; a 200 stops Slack's retries (X-Slack-Retry-Num).
  return reply.code(200).send({});
}
