import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../../src/ports/logger.ts';
import { headerOf, registerPagingWebhook } from '../http/paging-webhook-scope.ts';
import { verifyTwilioSignature } from './twilio-signature.ts';

export const twilioWebhookPath = '/paging/twilio/sms';

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * Twilio's inbound SMS webhook (the number's "A message comes in" URL): X-Twilio-Signature is checked over the URL
 * Twilio called (`webhookUrl` when configured, since a proxy may rewrite what we see) and the form parameters,
 * before any of them is used. A reply starting with the ack keyword acknowledges; the answer is TwiML.
 */
export function registerTwilioWebhook(
  app: FastifyInstance,
  options: { authToken: string; webhookUrl?: string | undefined; log: Logger; acknowledge: (input: { from: string; body: string }) => Promise<string | null> },
): void {
  const urlOf = (request: FastifyRequest) => options.webhookUrl ?? `${request.protocol}://${request.host}${request.url}`;
  const paramsOf = (rawBody: Buffer) => [...new URLSearchParams(rawBody.toString('utf8'))];
  registerPagingWebhook(app, {
    path: twilioWebhookPath,
    provider: 'twilio',
    log: options.log,
    // The signature covers the decoded parameters, so they are decoded to check it, and used only after.
    verify: (request, rawBody) => verifyTwilioSignature(options.authToken, urlOf(request), paramsOf(rawBody), headerOf(request, 'x-twilio-signature')),
    handle: async (_request, reply, rawBody) => {
      const params = new Map(paramsOf(rawBody));
      const from = params.get('From');
      const body = params.get('Body');
      if (from === undefined || body === undefined) return reply.code(400).send({ error: 'bad_request', message: 'From and Body are required' });
      const answer = await options.acknowledge({ from, body: body.slice(0, 1600) });
      options.log.info({ provider: 'twilio', acknowledged: answer !== null }, 'sms reply received');
      const twiml = answer === null ? '<Response/>' : `<Response><Message>${escapeXml(answer)}</Message></Response>`;
      return reply.code(200).type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?>${twiml}`);
    },
  });
}
