import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../src/cli/start-bot.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { alertmanagerPayload, type TestAlert } from '../../support/ingest-harness.ts';
import { eventually as eventuallyWithin } from '../../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.ts';

const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 25_000);
const team = 'T0AWOOOI';
const channel = 'C0CARDS';
const botToken = 'xoxb-test-1234-abcdef';

/**
 * Issue 10 through the whole bot, over HTTP, one webhook post at a time, against the real PostgreSQL and a local
 * fake Slack (SIMULATED Slack) on the sandbox cluster (simulated): cart and payments, siblings below the demo
 * shop's checkout, each crash-loop and open an incident, a card and a restart proposal; checkout's own alert
 * merges them. The merged card then
 * points at the survivor, its waiting proposal is superseded, and no third card appears.
 */
describe('merged incidents in chat [fake Slack, sandbox cluster, simulated]', { timeout: 90_000 }, () => {
  let slack: FakeSlackApi;
  let database: TestDatabase;
  let bot: RunningBot;
  const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const post = (groupKey: string, alerts: TestAlert[]) =>
    fetch(`${bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerPayload(groupKey, alerts)),
    }).then(async (response) => ((await response.json()) as { incidents: string[] }).incidents[0]!);
  const cardOf = (number: string) => [...slack.messages.values()].find((message) => message.text.startsWith(`#${number} `));
  const numberOf = async (id: string) =>
    String((await database.handle.db.selectFrom('incidents').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number);

  beforeAll(async () => {
    slack = await startFakeSlackApi({ token: botToken, team });
    database = await createTestDatabase();
    const config = configSchema.parse({
      server: { port: 0, logLevel: 'silent' },
      storage: { databaseUrl: database.url },
      // HIGH: nothing runs by itself, so a proposal waits to be superseded.
      approvals: { riskOverrides: { restart_deployment: 'HIGH', scale_deployment: 'HIGH', rollback_deployment: 'HIGH' } },
      slack: { botToken, signingSecret: 'slacksigningsecretfortests0123456', channel, apiUrl: slack.url },
    });
    const started = await startBot(config, pino({ level: 'silent' }));
    if (!started.ok) throw new Error(started.errors.join('\n'));
    bot = started.bot;
  });
  afterAll(async () => {
    await bot?.close();
    await database?.drop();
    await slack?.close();
  });

  it('merges siblings (cart, payments) when checkout above both alerts: updates the merged card to point at the survivor, supersedes its proposal and posts no third card', async () => {
    const first = await post('group-cart', [{ fingerprint: 'chat-cart', service: 'cart', name: 'KubePodCrashLooping', startsAt: recent(3) }]);
    const second = await post('group-payments', [{ fingerprint: 'chat-payments', service: 'payments', name: 'KubePodCrashLooping', startsAt: recent(2) }]);
    expect(second).not.toBe(first);
    const [firstNumber, secondNumber] = [await numberOf(first), await numberOf(second)];
    await eventually(async () => (cardOf(firstNumber) && cardOf(secondNumber) ? true : undefined));
    const waiting = await eventually(
      async () =>
        (await database.handle.db.selectFrom('proposals').select('id').where('incident_id', '=', second).where('state', '=', 'PENDING').executeTakeFirst())?.id,
    );

    expect(await post('group-checkout', [{ fingerprint: 'chat-checkout', service: 'checkout', startsAt: recent(1) }])).toBe(first);
    const superseded = await eventually(async () => {
      const row = await database.handle.db.selectFrom('proposals').select(['state', 'outcome']).where('id', '=', waiting).executeTakeFirstOrThrow();
      return row.state === 'SUPERSEDED' ? row : undefined;
    });
    expect(superseded.outcome).toBe(`incident merged into #${firstNumber}`);
    await eventually(async () => (cardOf(secondNumber)!.text.includes(`merged into #${firstNumber}`) ? true : undefined));
    expect(JSON.stringify(cardOf(secondNumber)!.blocks)).toContain(`Merged into #${firstNumber}`);
    await eventually(async () => (JSON.stringify(cardOf(firstNumber)!.blocks).includes(`#${secondNumber}`) ? true : undefined));
    await eventually(async () =>
      slack.replies.some((reply) => reply.threadTs === cardOf(firstNumber)!.ts && reply.text.includes(`Incident #${secondNumber} merged into this one`))
        ? true
        : undefined,
    );
    expect(slack.messages.size).toBe(2);
    // Through the audit outbox: the sealer chains the merge within about a second.
    await eventually(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM audit_log WHERE kind = 'incidents_merged' AND incident_id = ${first}::uuid`.execute(database.handle.db);
      return rows[0]!.n === 1 ? true : undefined;
    });
  });
});
