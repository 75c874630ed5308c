import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackSocketMode, type SlackSocketMode } from '../../../adapters/slack/slack-socket-mode.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.ts';
import { startFakeSlackSocket, type FakeSlackSocket } from '../../support/fake-slack-socket.ts';
import { eventually } from '../../support/start-test-bot.ts';

const appToken = 'xapp-1-A0FAKE-1-abcdef';
const doors = {
  log: pino({ level: 'silent' }),
  answerPrivately: async () => ({ ok: true as const, value: undefined }),
  handleClick: async () => ({ changed: false, answer: null, code: 'unused' }),
  handleCommand: async () => ({ text: 'help' }),
};

/** Socket Mode's own behaviour against a local fake (SIMULATED Slack); the card flow is in test/integration/chat. */
describe('Slack Socket Mode client [fake Slack, simulated]', () => {
  let api: FakeSlackApi | undefined;
  let socket: FakeSlackSocket | undefined;
  let mode: SlackSocketMode | undefined;
  afterEach(async () => {
    await mode?.stop();
    await socket?.close();
    await api?.close();
  });

  it('says in its health why it cannot connect (a refused app token), naming no token', async () => {
    api = await startFakeSlackApi({ token: 'xoxb-1-2', team: 'T1', socketMode: { appToken: 'xapp-1-the-right-one', socketUrl: () => 'ws://127.0.0.1:9' } });
    mode = startSlackSocketMode({ appToken, apiUrl: api.url, ...doors });
    const health = await eventually(async () => (mode!.health().startsWith('unreachable') ? mode!.health() : undefined));
    expect(health).toContain('invalid_auth');
    expect(health).not.toContain(appToken);
  });

  it('acknowledges envelopes it does not act on (events) by their envelope_id', async () => {
    socket = await startFakeSlackSocket();
    api = await startFakeSlackApi({ token: 'xoxb-1-2', team: 'T1', socketMode: { appToken, socketUrl: socket.url } });
    mode = startSlackSocketMode({ appToken, apiUrl: api.url, ...doors });
    await socket.connected();
    await eventually(async () => (mode!.health() === 'connected' ? true : undefined));
    const id = socket.deliver('events_api', { type: 'event_callback', event: { type: 'app_mention', text: '<@U0BOT> hi' } });
    await eventually(async () => (socket!.acks.some((ack) => ack.envelope_id === id) ? true : undefined));
  });
});
