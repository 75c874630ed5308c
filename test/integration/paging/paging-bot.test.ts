import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/domain/password-hash.ts';
import { cardPaging } from '../../../src/paging/card-paging.ts';
import { FakePagingApi } from '../../support/fake-paging-api.ts';
import { eventually, startTestBot, type TestBot } from '../../support/start-test-bot.ts';

const routingKey = 'R0UTINGKEY0000000000000000000001';
const webhookSecret = 'pd-webhook-secret-0123456789';
// A cheap hash keeps the test fast; verification is still the production code path.
const bobPassword = await hashPassword('staple gun 42', { N: 1024, r: 8, p: 1 });

/** The whole bot: an alert opens an incident, the on-call person is paged, PagerDuty's acknowledgement stops it. */
describe('paging in the running bot [fake ntfy and PagerDuty APIs]', () => {
  let api: FakePagingApi;
  let test: TestBot;
  beforeEach(async () => {
    api = new FakePagingApi({ status: 202, body: { status: 'success' } });
    const url = await api.start();
    test = await startTestBot({
      // Resolution without the grace period, so the test sees it at once.
      incidents: { resolveGraceSeconds: 0 },
      approvals: {
        people: [
          { id: 'alice', name: 'Alice', roles: ['sre'], accounts: {}, contacts: { ntfy: 'alice-pager', pagerduty: true } },
          { id: 'bob', name: 'Bob', roles: ['sre'], accounts: {}, password: bobPassword, contacts: { ntfy: 'bob-pager' } },
        ],
      },
      oncall: { schedules: [{ id: 'primary', name: 'Primary', timeZone: 'UTC', layers: [{ start: '2020-01-01', length: { weeks: 1 }, people: ['alice'] }] }] },
      paging: {
        policies: [
          {
            id: 'default',
            steps: [
              { afterMinutes: 0, schedule: 'primary' },
              { afterMinutes: 5, people: ['bob'] },
            ],
          },
        ],
        sweepSeconds: 0.2,
        ntfy: { url },
        pagerduty: { routingKey, apiUrl: url, webhookSecret },
      },
    } as never);
  });
  afterEach(async () => {
    await test.close();
    await api.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${test.bot.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('pages the on-call person when an incident opens, stops on a PagerDuty acknowledgement, resolves PagerDuty with the incident', async () => {
    const alert = { name: 'CheckoutDown', labels: { service: 'checkout' }, severity: 'critical', fingerprint: 'f00d' };
    expect((await post('/api/v1/alerts', [alert])).status).toBe(200);
    await eventually(async () => (api.requests.length >= 2 ? true : undefined));
    const trigger = JSON.parse(api.requests.find((sent) => sent.path === '/v2/enqueue')!.body) as { dedup_key: string; event_action: string };
    expect(trigger.event_action).toBe('trigger');
    expect(JSON.parse(api.requests.find((sent) => sent.path === '/')!.body)).toMatchObject({ topic: 'alice-pager' });

    const event = JSON.stringify({ event: { event_type: 'incident.acknowledged', agent: { summary: 'Alice' }, data: { incident_key: trigger.dedup_key } } });
    const signature = `v1=${createHmac('sha256', webhookSecret).update(event).digest('hex')}`;
    expect((await post('/paging/pagerduty/webhook', event, { 'x-pagerduty-signature': `v1=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await post('/paging/pagerduty/webhook', event, { 'x-pagerduty-signature': signature })).status).toBe(200);
    const db = test.database.handle.db;
    const incident = await db.selectFrom('incidents').select('id').executeTakeFirstOrThrow();
    const acknowledged = await eventually(async () => {
      const paging = await cardPaging(db, incident.id, test.bot.parts.people);
      return paging?.acknowledged === null ? undefined : paging;
    });
    expect(acknowledged).toMatchObject({ state: 'acknowledged', acknowledged: { by: 'Alice', via: 'pagerduty' } });

    expect((await post('/api/v1/alerts', [{ ...alert, status: 'resolved' }])).status).toBe(200);
    await eventually(async () => (api.requests.some((sent) => sent.body.includes('"event_action":"resolve"')) ? true : undefined));
    expect((await cardPaging(db, incident.id, test.bot.parts.people))?.state).toBe('resolved');
    // PagerDuty told us of the acknowledgement: it is not sent back to it.
    expect(api.requests.filter((sent) => sent.body.includes('"event_action":"acknowledge"'))).toHaveLength(0);
  });

  it('the web console card shows who was paged and its Acknowledge button stops the escalation', async () => {
    expect((await post('/api/v1/alerts', [{ name: 'CheckoutDown', labels: { service: 'checkout' }, severity: 'critical' }])).status).toBe(200);
    await eventually(async () => (api.requests.length >= 2 ? true : undefined));
    let cookie = '';
    let csrf = '';
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const response = await fetch(`${test.bot.url}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrf, origin: test.bot.url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      const json = (await response.json()) as { csrfToken?: string };
      if (typeof json.csrfToken === 'string') csrf = json.csrfToken;
      return { status: response.status, json: json as Record<string, unknown> };
    };
    await call('GET', '/console/session');
    expect((await call('POST', '/console/sign-in', { personId: 'bob', password: 'staple gun 42' })).status).toBe(200);
    const card = await eventually(async () => {
      const { json } = await call('GET', '/console/cards');
      const [first] = (json.cards ?? json) as { paging?: { escalationId: string; pages: { state: string }[] } }[];
      return first?.paging?.pages.length === 2 && first.paging.pages.every((page) => page.state === 'sent') ? first : undefined;
    });
    expect(card.paging).toMatchObject({
      state: 'active',
      pages: [
        { personName: 'Alice', channel: 'ntfy' },
        { personName: 'Alice', channel: 'pagerduty' },
      ],
    });
    const clicked = await call('POST', '/console/click', { proposalId: card.paging!.escalationId, decision: 'acknowledge' });
    expect(clicked).toMatchObject({ status: 200, json: { ok: true } });
    const db = test.database.handle.db;
    expect(await db.selectFrom('paging_escalations').select(['state', 'acknowledged_by', 'acknowledged_via']).executeTakeFirstOrThrow()).toEqual({
      state: 'acknowledged',
      acknowledged_by: 'bob',
      acknowledged_via: 'web',
    });
    // Bob acknowledged in AWOOOI: PagerDuty's incident is acknowledged too.
    await eventually(async () => (api.requests.some((sent) => sent.body.includes('"event_action":"acknowledge"')) ? true : undefined));
  });
});
