import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSlackRoutes } from '../../../adapters/slack/register-slack-routes.ts';
import { signSlackRequest } from '../../../adapters/slack/verify-slack-signature.ts';
import { type ChatClick, unavailableAnswer } from '../../../src/chat/handle-chat-click.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { systemClock } from '../../../src/ports/clock.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

const secret = 'slacksigningsecretfortests0123456';
const proposalId = '5b0c1f3e-8a41-4c55-9a0e-6a1f2b3c4d5e';

/** The Slack routes alone, with the core's doors stubbed: what the platform sees of them. */
async function routes(handleClick: (click: ChatClick) => Promise<{ changed: boolean; answer: string | null; code: string }>) {
  const app = createHttpServer({ bodyLimitBytes: 16 * 1024 * 1024, logger: pino({ level: 'silent' }) });
  const answers: { user: string; text: string }[] = [];
  const log = recordingLogger();
  registerSlackRoutes(app, {
    signingSecret: secret,
    clock: systemClock,
    log,
    answerPrivately: async (recipient, text) => {
      answers.push({ user: recipient.user, text });
      return { ok: true, value: undefined };
    },
    handleClick,
    handleCommand: async () => ({ text: 'help' }),
    bodyLimitBytes: 64 * 1024,
  });
  await app.ready();
  return { app, answers, log };
}

async function clickBody(): Promise<string> {
  const fixture = JSON.parse(await readFile(new URL('../../fixtures/slack-block-actions.json', import.meta.url), 'utf8'));
  const payload = { ...fixture, actions: [{ ...fixture.actions[0], action_id: 'awoooi_approve', value: proposalId }] };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function signed(body: string) {
  const { timestamp, signature } = signSlackRequest(body, secret, Math.floor(Date.now() / 1000));
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature };
}

describe('Slack routes [stubbed core]', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const app of opened.splice(0)) await app.close();
  });

  it('acknowledges a click before the core has answered (the database may be slow or away)', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: ChatClick[] = [];
    const { app, answers } = await routes(async (click) => {
      seen.push(click);
      await held;
      return { changed: true, answer: 'Signed.', code: 'PENDING' };
    });
    opened.push(app);
    const body = await clickBody();
    const response = await app.inject({ method: 'POST', url: '/slack/events', headers: signed(body), payload: body });
    expect(response.statusCode).toBe(200);
    expect(answers).toEqual([]);
    release();
    await app.close();
    expect(seen).toEqual([
      expect.objectContaining({
        platform: 'slack',
        workspace: 'T111',
        channel: 'C111',
        messageId: '111.222',
        accountId: 'T111:W111',
        proposalId,
        decision: 'approve',
      }),
    ]);
    expect(answers).toEqual([{ user: 'W111', text: 'Signed.' }]);
  });

  it('tells the clicker nothing happened when the core fails after the acknowledgement', async () => {
    const { app, answers, log } = await routes(async () => {
      throw new Error('connection terminated');
    });
    const body = await clickBody();
    expect((await app.inject({ method: 'POST', url: '/slack/interactions', headers: signed(body), payload: body })).statusCode).toBe(200);
    await app.close();
    expect(answers).toEqual([{ user: 'W111', text: unavailableAnswer }]);
    expect(log.lines.some((line) => line.level === 'error' && line.message.includes('after its acknowledgement'))).toBe(true);
  });

  it('refuses bad signatures with 401 before parsing, malformed signed bodies with 400, and oversized ones with 413', async () => {
    const clicks: ChatClick[] = [];
    const { app, log } = await routes(async (click) => {
      clicks.push(click);
      return { changed: false, answer: null, code: 'x' };
    });
    opened.push(app);
    const body = await clickBody();
    const unsigned = await app.inject({
      method: 'POST',
      url: '/slack/events',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    expect(unsigned.statusCode).toBe(401);
    expect(log.lines.at(-1)?.fields).toMatchObject({ status: 401, reason: 'missing' });
    const garbage = 'payload=%7Bnot-json';
    expect((await app.inject({ method: 'POST', url: '/slack/events', headers: signed(garbage), payload: garbage })).statusCode).toBe(400);
    const sslCheck = 'ssl_check=1&token=legacy';
    expect((await app.inject({ method: 'POST', url: '/slack/commands', headers: signed(sslCheck), payload: sslCheck })).statusCode).toBe(200);
    const neither = 'hello=world';
    expect((await app.inject({ method: 'POST', url: '/slack/events', headers: signed(neither), payload: neither })).statusCode).toBe(400);
    const huge = `payload=${'x'.repeat(70 * 1024)}`;
    expect((await app.inject({ method: 'POST', url: '/slack/events', headers: signed(huge), payload: huge })).statusCode).toBe(413);
    expect(clicks).toEqual([]);
  });
});
