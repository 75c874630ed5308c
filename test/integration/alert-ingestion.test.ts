import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestBot, type TestBot } from '../support/start-test-bot.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const grafana = JSON.parse(readFileSync(new URL('../fixtures/grafana-webhook.json', import.meta.url), 'utf8'));
const token = 'test-token-0123456789abcdef';

function payload(groupKey: string, alerts: { fingerprint: string; status?: 'firing' | 'resolved'; labels?: Record<string, string>; startsAt?: string }[]) {
  return {
    ...fixture,
    groupKey,
    alerts: alerts.map((alert) => ({
      ...fixture.alerts[0],
      fingerprint: alert.fingerprint,
      status: alert.status ?? 'firing',
      labels: { ...fixture.alerts[0].labels, ...alert.labels },
      startsAt: alert.startsAt ?? fixture.alerts[0].startsAt,
      endsAt: alert.status === 'resolved' ? '2024-05-01T10:20:00Z' : '0001-01-01T00:00:00Z',
    })),
  };
}

describe('alert ingestion over HTTP into PostgreSQL', () => {
  let test: TestBot;
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(`${test.bot.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const incidents = async () =>
    ((await (await fetch(`${test.bot.url}/api/v1/incidents`, { headers: { authorization: `Bearer ${token}` } })).json()) as { incidents: any[] }).incidents;
  // Written by the asynchronous analysis job, not by ingest: the analysis and the title after the top root cause.
  const stripVolatile = (list: any[]) => list.map(({ analysis: _analysis, title: _title, ...incident }) => incident);

  beforeAll(async () => {
    // Resolution at once: the grace period has its own test (resolution-grace.test.ts).
    test = await startTestBot({ webhook: { token }, server: { bodyLimitBytes: 64 * 1024 }, incidents: { resolveGraceSeconds: 0 } });
  });
  afterAll(async () => test?.close());

  it('stores an Alertmanager payload (with notification_reason and routeLabels) as one incident, then analyses it', async () => {
    const response = await post('/api/v1/alerts/alertmanager', fixture);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stored: number; incidents: string[] };
    expect(body.stored).toBe(1);
    const [incident] = await incidents();
    expect(incident).toMatchObject({ title: 'KubePodCrashLooping on api', status: 'open', services: ['api'], severity: 'warning' });
    expect(incident.alerts[0]).toMatchObject({ fingerprint: 'a1b2c3d4e5f60718', status: 'firing', endsAt: null });
    // Through the outbox: the sealer chains the receipt within about a second (ADR 0009).
    const audit = await eventually(async () => {
      const rows = await test.database.handle.db
        .selectFrom('audit_log')
        .select(['kind', 'incident_id', 'details'])
        .where('kind', '=', 'alert_received')
        .execute();
      return rows.length > 0 ? rows : undefined;
    });
    expect(audit).toEqual([
      { kind: 'alert_received', incident_id: incident.id, details: { source: 'alertmanager', alerts: 1, firing: 1, incidents: [incident.id] } },
    ]);
    const analysed = await eventually(async () => {
      const response = await fetch(`${test.bot.url}/api/v1/incidents/${incident.id}`, { headers: { authorization: `Bearer ${token}` } });
      const one = (await response.json()) as any;
      return one.analysis ?? undefined;
    });
    expect(analysed.rootCauses[0]).toMatchObject({ service: 'api', alerting: true });
    expect(analysed.blastRadius.map((entry: { service: string }) => entry.service)).toContain('payments');
  });

  it('is idempotent: the same snapshot twice, or from two replicas at once, leaves the same state', async () => {
    const snapshot = payload('group-idem', [{ fingerprint: '1000000000000001' }, { fingerprint: '1000000000000002', labels: { pod: 'api-7d9f-aaa' } }]);
    expect((await post('/api/v1/alerts/alertmanager', snapshot)).status).toBe(200);
    const before = stripVolatile(await incidents());
    const replays = await Promise.all([
      post('/api/v1/alerts/alertmanager', snapshot),
      post('/api/v1/alerts/alertmanager', snapshot),
      post('/api/v1/alerts/alertmanager', snapshot),
    ]);
    expect(replays.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(stripVolatile(await incidents())).toEqual(before);
  });

  it('opens one incident when two replicas deliver a new group at the same moment', async () => {
    const snapshot = payload('group-race', [{ fingerprint: '2000000000000001', labels: { container: 'race-a' } }]);
    const countBefore = (await incidents()).length;
    await Promise.all(Array.from({ length: 4 }, () => post('/api/v1/alerts/alertmanager', snapshot)));
    const after = await incidents();
    expect(after.length).toBe(countBefore + 1);
    expect(after.filter((incident) => incident.alerts.some((alert: { fingerprint: string }) => alert.fingerprint === '2000000000000001'))).toHaveLength(1);
  });

  it('resolves the incident when all of its alerts resolve, and not before', async () => {
    const firing = payload('group-resolve', [
      { fingerprint: '3000000000000001', labels: { container: 'res' } },
      { fingerprint: '3000000000000002', labels: { container: 'res' } },
    ]);
    const {
      incidents: [id],
    } = (await (await post('/api/v1/alerts/alertmanager', firing)).json()) as { incidents: string[] };
    const partly = payload('group-resolve', [
      { fingerprint: '3000000000000001', status: 'resolved', labels: { container: 'res' } },
      { fingerprint: '3000000000000002', labels: { container: 'res' } },
    ]);
    await post('/api/v1/alerts/alertmanager', partly);
    expect((await incidents()).find((incident) => incident.id === id).status).toBe('open');
    const all = payload('group-resolve', [
      { fingerprint: '3000000000000001', status: 'resolved', labels: { container: 'res' } },
      { fingerprint: '3000000000000002', status: 'resolved', labels: { container: 'res' } },
    ]);
    await post('/api/v1/alerts/alertmanager', all);
    const resolved = (await incidents()).find((incident) => incident.id === id);
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedAt).not.toBeNull();
    // A late replay of the old firing snapshot does not reopen it.
    await post('/api/v1/alerts/alertmanager', firing);
    expect((await incidents()).find((incident) => incident.id === id).status).toBe('resolved');
  });

  it('joins alerts on topologically connected services within the window into one incident (one card per cascade)', async () => {
    const database = payload('group-db', [
      { fingerprint: '4000000000000001', labels: { alertname: 'PostgresDown', container: 'orders-db' }, startsAt: '2024-06-01T10:00:00Z' },
    ]);
    const checkout = payload('group-checkout', [
      { fingerprint: '4000000000000002', labels: { alertname: 'HighLatency', container: 'checkout' }, startsAt: '2024-06-01T10:02:00Z' },
    ]);
    const unrelated = payload('group-late', [
      { fingerprint: '4000000000000003', labels: { alertname: 'HighLatency', container: 'cart' }, startsAt: '2024-06-01T11:00:00Z' },
    ]);
    const first = (await (await post('/api/v1/alerts/alertmanager', database)).json()) as { incidents: string[] };
    const second = (await (await post('/api/v1/alerts/alertmanager', checkout)).json()) as { incidents: string[] };
    const third = (await (await post('/api/v1/alerts/alertmanager', unrelated)).json()) as { incidents: string[] };
    expect(second.incidents).toEqual(first.incidents);
    expect(third.incidents).not.toEqual(first.incidents);
  });

  it('opens one incident when a cascade arrives through two groups at the same moment', async () => {
    for (let round = 0; round < 10; round++) {
      const at = new Date(Date.UTC(2024, 7, 1, round * 2)).toISOString();
      const database = payload(`race-db-${round}`, [
        { fingerprint: `7${round}00000000000001`, labels: { alertname: 'PostgresDown', container: 'orders-db' }, startsAt: at },
      ]);
      const payments = payload(`race-pay-${round}`, [
        { fingerprint: `7${round}00000000000002`, labels: { alertname: 'HighErrorRate', container: 'payments' }, startsAt: at },
      ]);
      const answers = await Promise.all([post('/api/v1/alerts/alertmanager', database), post('/api/v1/alerts/alertmanager', payments)]);
      const ids = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { incidents: string[] }).incidents[0]));
      expect(ids[0]).toBe(ids[1]);
    }
  });

  it('accepts Grafana and generic alerts', async () => {
    expect((await post('/api/v1/alerts/grafana', grafana)).status).toBe(200);
    const generic = await post('/api/v1/alerts', [{ name: 'DiskFull', labels: { service: 'orders-db' }, severity: 'critical' }]);
    expect(generic.status).toBe(200);
    const list = await incidents();
    expect(list.some((incident) => incident.title === 'High memory usage')).toBe(true);
    expect(list.find((incident) => incident.title === 'DiskFull on orders-db')?.severity).toBe('critical');
  });

  it('answers 400 naming the problem, and stores nothing', async () => {
    const before = (await incidents()).length;
    const response = await post('/api/v1/alerts/alertmanager', { alerts: [{ status: 'burning', labels: {}, startsAt: 'yesterday' }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: string[] };
    expect(body.issues.join('\n')).toMatch(/alerts\[0\]\.status/);
    expect(body.issues.join('\n')).toMatch(/alerts\[0\]\.startsAt: not a valid timestamp/);
    expect((await post('/api/v1/alerts/alertmanager', '{not json')).status).toBe(400);
    expect((await incidents()).length).toBe(before);
  });

  it('answers 401 for a wrong or missing token and stores nothing', async () => {
    const before = (await incidents()).length;
    const wrong = await post('/api/v1/alerts/alertmanager', payload('group-401', [{ fingerprint: '5000000000000001' }]), { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await post('/api/v1/alerts/alertmanager', fixture, {})).status).toBe(401);
    expect((await fetch(`${test.bot.url}/api/v1/incidents`)).status).toBe(401);
    expect((await incidents()).length).toBe(before);
  });

  it('counts what it received and refused on /metrics', async () => {
    const metrics = await (await fetch(`${test.bot.url}/metrics`)).text();
    expect(metrics).toMatch(/awoooi_alerts_received_total\{source="alertmanager"\} [1-9]/);
    expect(metrics).toMatch(/awoooi_alerts_rejected_total\{source="alertmanager",reason="invalid"\} [1-9]/);
    expect((await fetch(`${test.bot.url}/readyz`)).status).toBe(200);
  });

  it('answers 413 for a body over the limit', async () => {
    const huge = payload(
      'group-413',
      Array.from({ length: 400 }, (_, index) => ({ fingerprint: `6${String(index).padStart(15, '0')}` })),
    );
    expect((await post('/api/v1/alerts/alertmanager', huge)).status).toBe(413);
  });
});
