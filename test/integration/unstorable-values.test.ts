import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/start-test-bot.ts';

const nul = '\u0000';
const loneSurrogate = '\ud800';

function alert(fingerprint: string | undefined, overrides: Record<string, unknown> = {}) {
  return {
    status: 'firing',
    labels: { alertname: 'Unstorable', severity: 'warning', pod: `pod-${fingerprint ?? 'computed'}` },
    annotations: { summary: 'values PostgreSQL cannot store' },
    startsAt: '2026-03-01T03:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    ...(fingerprint ? { fingerprint } : {}),
    ...overrides,
  };
}

type Answer = { status: string; stored: number; repaired?: { alert: string; fields: string[]; why: string }[]; repairedAlerts?: number };

describe('values that parse as JSON but that PostgreSQL cannot store (HTTP into PostgreSQL)', () => {
  let test: TestBot;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${test.bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const stored = (fingerprint: string) => test.database.handle.db.selectFrom('alerts').selectAll().where('fingerprint', '=', fingerprint).execute();
  const count = async () =>
    Number(
      (
        await test.database.handle.db
          .selectFrom('alerts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    test = await startTestBot();
  });
  afterAll(async () => test?.close());

  it('stores a group with one bad value per alert: 200, every alert stored, the bad ones repaired, and the answer says which', async () => {
    const group = {
      version: '4',
      groupKey: `{}:{alertname="Unstorable"}${nul}`,
      status: 'firing',
      alerts: [
        alert('aa00000000000001'),
        alert('aa00000000000002', { labels: { alertname: 'Unstorable', pod: `api${nul}x` } }),
        alert('aa00000000000003', { annotations: { description: `broken ${loneSurrogate} text` } }),
        alert('aa00000000000004', { labels: { alertname: 'Unstorable', [`po${nul}d`]: 'api' } }),
        alert('aa00000000000005', { startsAt: '0000-01-01T00:00:00Z' }),
        alert('aa00000000000006', { startsAt: '+010000-01-01T00:00:00Z' }),
        alert('aa00000000000007', { startsAt: '0001-01-01T00:00:00+01:00' }),
        alert(`aa0000000000000${loneSurrogate}`),
        alert(undefined, { labels: { alertname: 'Unstorable', pod: `computed${nul}` }, generatorURL: `http://prometheus/graph?g0.expr=up${nul}` }),
      ],
    };
    const answer = await post('/api/v1/alerts/alertmanager', group);
    expect(answer.status).toBe(200);
    expect(answer.body.stored).toBe(9);
    expect(answer.body.repairedAlerts).toBe(9); // the group key is in every alert
    const byAlert = Object.fromEntries((answer.body.repaired ?? []).map((repair) => [repair.alert, repair.fields]));
    expect(byAlert.aa00000000000001).toEqual(['groupKey']);
    expect(byAlert.aa00000000000002).toEqual(['labels.pod', 'groupKey']);
    expect(byAlert.aa00000000000003).toEqual(['annotations.description', 'groupKey']);
    expect(byAlert.aa00000000000004).toEqual(['labels.po\ufffdd (name)', 'groupKey']);
    expect(byAlert.aa00000000000005).toEqual(['startsAt', 'groupKey']);
    expect(byAlert.aa00000000000006).toEqual(['startsAt', 'groupKey']);
    expect(byAlert.aa00000000000007).toEqual(['startsAt', 'groupKey']);
    expect(byAlert['aa0000000000000\ufffd']).toEqual(['fingerprint', 'labels.pod', 'groupKey']);
    expect(answer.body.repaired?.find((repair) => repair.fields.includes('generatorURL'))?.fields).toEqual(['labels.pod', 'groupKey', 'generatorURL']);
    expect(answer.body.repaired?.[1]?.why).toMatch(/NUL or an unpaired UTF-16 surrogate replaced with U\+FFFD/);
    expect(answer.body.repaired?.[4]?.why).toMatch(/startsAt outside 0001-01-01T00:00:00.000Z…9999-12-31T23:59:59.999Z, clamped/);
    expect(JSON.stringify(answer.body)).not.toMatch(/api|broken|prometheus/); // names of fields, never their values

    expect((await stored('aa00000000000002'))[0]!.labels.pod).toBe('api\ufffdx');
    expect((await stored('aa00000000000003'))[0]!.annotations.description).toBe('broken \ufffd text');
    expect((await stored('aa00000000000004'))[0]!.labels).toMatchObject({ 'po\ufffdd': 'api' });
    expect((await stored('aa00000000000005'))[0]!.starts_at.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect((await stored('aa00000000000006'))[0]!.starts_at.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect((await stored('aa00000000000007'))[0]!.starts_at.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(await stored('aa0000000000000\ufffd')).toHaveLength(1);
    expect((await stored('aa00000000000001'))[0]!).toMatchObject({ group_key: '{}:{alertname="Unstorable"}\ufffd', labels: { pod: 'pod-aa00000000000001' } });
  });

  it('stores the same payload once when it comes again (fingerprints stay stable through the repair)', async () => {
    const group = {
      groupKey: 'stable-group',
      alerts: [
        alert(undefined, { labels: { alertname: 'Stable', pod: `p${nul}1` } }),
        alert('bb00000000000001', { annotations: { note: `x${loneSurrogate}` } }),
      ],
    };
    expect((await post('/api/v1/alerts/alertmanager', group)).status).toBe(200);
    const after = await count();
    const again = await post('/api/v1/alerts/alertmanager', group);
    expect(again.status).toBe(200);
    expect(again.body.repairedAlerts).toBe(2);
    expect(await count()).toBe(after);
  });

  it('repairs Grafana and generic alerts the same way; an absurd endsAt is treated as absent', async () => {
    const grafana = await post('/api/v1/alerts/grafana', {
      groupKey: '{}:{}',
      alerts: [alert('cc00000000000001', { labels: { alertname: `High memory${nul}`, team: 'blue' } })],
    });
    expect(grafana.status).toBe(200);
    expect(grafana.body.repaired).toEqual([{ alert: 'cc00000000000001', fields: ['name', 'labels.alertname'], why: expect.any(String) }]);
    expect((await stored('cc00000000000001'))[0]!.name).toBe('High memory\ufffd');

    const generic = await post('/api/v1/alerts', [
      { name: `Disk${nul}Full`, fingerprint: 'dd00000000000001', labels: { service: 'orders-db' }, startsAt: '-000001-06-01T00:00:00Z' },
    ]);
    expect(generic.status).toBe(200);
    expect(generic.body.repaired?.[0]?.fields).toEqual(['name', 'labels.alertname', 'startsAt']);
    expect((await stored('dd00000000000001'))[0]).toMatchObject({ name: 'Disk\ufffdFull', starts_at: new Date('0001-01-01T00:00:00.000Z') });

    const resolved = await post('/api/v1/alerts', [
      { name: 'DiskFull', fingerprint: 'dd00000000000001', status: 'resolved', labels: { service: 'orders-db' }, endsAt: '+275000-01-01T00:00:00Z' },
    ]);
    expect(resolved.status).toBe(200);
    expect(resolved.body.repaired?.[0]?.fields).toEqual(['endsAt']);
    expect((await stored('dd00000000000001'))[0]).toMatchObject({ status: 'resolved', ends_at: null });
  });
});
