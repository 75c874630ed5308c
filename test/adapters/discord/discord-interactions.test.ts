import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerDiscordRoutes } from '../../../adapters/discord/register-discord-routes.ts';
import { discordPublicKey } from '../../../adapters/discord/verify-discord-signature.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { captureLog } from '../../support/capture-log.ts';
import { discordSigner } from '../../support/discord-signer.ts';

/** The door's refusals, each before any work: 401 unsigned (logged with the reason), 400 unreadable, 413 too large. */
describe('POST /discord/interactions refusals', () => {
  const signer = discordSigner();
  const lines: Record<string, unknown>[] = [];
  const worked: unknown[] = [];
  let app: FastifyInstance;
  beforeAll(async () => {
    app = createHttpServer({ bodyLimitBytes: 1024 * 1024, logger: pino({ level: 'silent' }) });
    registerDiscordRoutes(app, {
      publicKey: discordPublicKey(signer.publicKeyHex)!,
      clock: { now: () => new Date() },
      log: captureLog(lines).log,
      answerPrivately: async () => ({ ok: true, value: undefined }),
      handleClick: async (click) => {
        worked.push(click);
        return { changed: false, answer: null, code: 'x' };
      },
      handleCommand: async (command) => {
        worked.push(command);
        return { text: '' };
      },
      bodyLimitBytes: 4096,
    });
    await app.ready();
  });
  afterAll(async () => app?.close());
  const post = (body: string, headers: Record<string, string>) => app.inject({ method: 'POST', url: '/discord/interactions', payload: body, headers });

  it('401 without a signature, logged with the reason and never parsed', async () => {
    const response = await post('{"type":1', { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(401);
    expect(lines.some((line) => line['status'] === 401 && line['reason'] === 'missing')).toBe(true);
  });

  it('400 naming the problem for signed bodies that are not JSON, not an interaction, or of a type not handled', async () => {
    const notJson = await post('{"type":', signer.headers('{"type":'));
    expect([notJson.statusCode, notJson.json().message]).toEqual([400, 'body is not valid JSON']);
    const shapeless = JSON.stringify({ type: 'ping' });
    const shapelessAnswer = await post(shapeless, signer.headers(shapeless));
    expect(shapelessAnswer.statusCode).toBe(400);
    expect(shapelessAnswer.json().message).toMatch(/type|id|token/);
    const autocomplete = JSON.stringify({ id: '1', type: 4, token: 't', data: { name: 'awoooi' } });
    const unhandled = await post(autocomplete, signer.headers(autocomplete));
    expect([unhandled.statusCode, unhandled.json().message]).toEqual([400, 'interaction type 4 is not handled']);
    const otherCommand = JSON.stringify({ id: '1', type: 2, token: 't', data: { name: 'cardsearch' } });
    expect((await post(otherCommand, signer.headers(otherCommand))).statusCode).toBe(400);
    expect(worked).toEqual([]);
  });

  it('413 over the body limit', async () => {
    const big = JSON.stringify({ id: '1', type: 1, token: 'x'.repeat(8000) });
    expect((await post(big, signer.headers(big))).statusCode).toBe(413);
  });
});
