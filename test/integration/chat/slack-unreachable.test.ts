import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBot, eventually, type TestBot } from '../../support/start-test-bot.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.ts';

const team = 'T0AWOOOI';
const botToken = 'xoxb-test-1234-abcdef';

/**
 * The bot starts and serves while Slack is unreachable (a fake Slack that is not listening yet, SIMULATED),
 * says so in /readyz, and posts the card once Slack answers: the failed post is retried, not lost.
 */
describe('Slack unreachable at start-up [fake Slack, sandbox cluster, simulated]', () => {
  let test: TestBot | undefined;
  let slack: FakeSlackApi | undefined;
  afterAll(async () => {
    await test?.close();
    await slack?.close();
  });

  it('serves, reports Slack in /readyz details, and delivers the card when Slack comes back', { timeout: 60_000 }, async () => {
    const probe = await startFakeSlackApi({ token: botToken, team });
    const url = probe.url;
    const port = Number(new URL(url).port);
    await probe.close();

    test = await startTestBot({ slack: { botToken, signingSecret: 'slacksigningsecretfortests0123456', channel: 'C0CARDS', apiUrl: url } });
    const alert = await readFile(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
    const posted = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert });
    expect(posted.status).toBe(200);
    const details = await eventually(async () => {
      const ready = (await (await fetch(`${test!.bot.url}/readyz`)).json()) as { status: string; details?: { slack?: string } };
      return ready.details?.slack?.startsWith('unreachable') ? ready : undefined;
    });
    expect(details.status).toBe('ready');
    expect(JSON.stringify(details)).not.toContain(botToken);

    slack = await startFakeSlackApi({ token: botToken, team, port });
    // The failed post comes back with the job queue's backoff (1 s, then doubling).
    await eventually(async () => (slack!.messages.size === 1 ? true : undefined), 25_000);
    const ready = (await (await fetch(`${test.bot.url}/readyz`)).json()) as { details?: { slack?: string } };
    expect(ready.details?.slack).toBe(`ok (workspace ${team})`);
  });
});
