import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerPayload, type TestAlert } from '../support/ingest-harness.ts';
import { startTestBot, type TestBot } from '../support/start-test-bot.ts';

// Issue 10's cases over HTTP, each alert a webhook post of its own, in order, on the demo shop's topology:
// storefront sits above checkout (→ orders-db) and cart (→ session-cache); card-processor relates to none of those.
describe('merges and groups through the webhook, one post at a time [real PostgreSQL]', () => {
  let test: TestBot;
  const at = (hour: number, minute: number) => new Date(Date.UTC(2026, 4, 1, hour, minute)).toISOString();
  const post = async (groupKey: string, alerts: TestAlert[]) => {
    const response = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerPayload(groupKey, alerts)),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { incidents: string[] }).incidents;
  };
  const incident = async (id: string) =>
    (await (await fetch(`${test.bot.url}/api/v1/incidents/${id}`)).json()) as { status: string; mergedInto: string | null; services: string[] };

  beforeAll(async () => {
    test = await startTestBot({ incidents: { correlationWindowMinutes: 5, resolveGraceSeconds: 0 } });
  });
  afterAll(async () => test?.close());

  it('two roots under one front end: two incidents, then one when the front end alerts', async () => {
    const [database] = await post('roots-db', [{ fingerprint: 'h-db', service: 'orders-db', name: 'PostgresDown', startsAt: at(10, 0) }]);
    const [cache] = await post('roots-cache', [{ fingerprint: 'h-cache', service: 'session-cache', name: 'RedisDown', startsAt: at(10, 1) }]);
    expect(cache).not.toBe(database);
    expect(await post('roots-front', [{ fingerprint: 'h-front', service: 'storefront', name: 'HighErrorRate', startsAt: at(10, 2) }])).toEqual([database]);
    expect(await incident(cache!)).toMatchObject({ status: 'merged', mergedInto: database });
    expect((await incident(database!)).services).toEqual(['orders-db', 'session-cache', 'storefront']);
  });

  it('two applications in one Alertmanager group (group_by: [alertname]) stay two incidents', async () => {
    const group = '{}:{alertname="KubePodCrashLooping"}';
    const [first] = await post(group, [{ fingerprint: 'g-card', service: 'card-processor', startsAt: at(12, 0) }]);
    const both = await post(group, [
      { fingerprint: 'g-card', service: 'card-processor', startsAt: at(12, 0) },
      { fingerprint: 'g-cache', service: 'session-cache', startsAt: at(12, 1) },
    ]);
    expect(both).toHaveLength(2);
    expect(both).toContain(first);
    expect((await incident(first!)).services).toEqual(['card-processor']);
  });
});
