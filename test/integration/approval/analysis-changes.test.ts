import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { buildIncidentCard } from '../../../src/cards/build-incident-card.ts';
import type { ProposalState } from '../../../src/approval/proposal-state.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { eventually, startTestBot, type TestBot } from '../../support/start-test-bot.ts';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));

/** The crash-looping payments/api pod of the fixture, firing (or resolved) now. */
function crashLoop(status: 'firing' | 'resolved', startsAt: Date) {
  const payload = structuredClone(fixture);
  payload.status = status;
  Object.assign(payload.alerts[0], {
    status,
    startsAt: startsAt.toISOString(),
    endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
  });
  return payload;
}

/** orders-db (the database payments/api depends on) down, in a group of its own, since before the crash loop. */
function databaseDown(startsAt: Date) {
  return {
    version: '4',
    groupKey: '{}:{alertname="PostgresDown"}',
    status: 'firing',
    receiver: 'chatops',
    groupLabels: { alertname: 'PostgresDown' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PostgresDown', service: 'orders-db', namespace: 'shop', severity: 'critical' },
        annotations: { summary: 'orders-db is down' },
        startsAt: startsAt.toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.monitoring:9090/graph',
        fingerprint: 'd0d0d0d0d0d0d0d0',
      },
    ],
  };
}

describe('proposals follow the analysis of their incident (the whole bot) [sandbox cluster, simulated]', () => {
  let bot: TestBot;
  const cluster = SandboxCluster.withDemoData();
  afterEach(async () => {
    await bot?.close();
  });

  async function post(payload: unknown): Promise<string> {
    const response = await fetch(`${bot.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { incidents: string[] };
    return body.incidents[0]!;
  }

  const proposalIn = (incidentId: string, state: ProposalState) =>
    eventually(() =>
      bot.bot.database.db.selectFrom('proposals').selectAll().where('incident_id', '=', incidentId).where('state', '=', state).executeTakeFirst(),
    );

  it('a new top root cause that calls for nothing supersedes the live proposal, saying why; the title follows the root cause', async () => {
    bot = await startTestBot({ incidents: { resolveGraceSeconds: 0 } }, { cluster });
    const now = Date.now();
    const incidentId = await post(crashLoop('firing', new Date(now - 60_000)));
    const restart = await proposalIn(incidentId, 'PENDING');
    expect(restart).toMatchObject({ action: 'restart_deployment', target: { namespace: 'payments', name: 'api' } });
    const db = bot.bot.database.db;
    expect((await db.selectFrom('incidents').select('title').where('id', '=', incidentId).executeTakeFirstOrThrow()).title).toBe('KubePodCrashLooping on api');

    // The database the crash-looping service depends on has been down longer: it is the root cause now, the crash
    // loop a symptom, and no rule acts on a database that is down.
    expect(await post(databaseDown(new Date(now - 120_000)))).toBe(incidentId);
    const superseded = await proposalIn(incidentId, 'SUPERSEDED');
    expect(superseded).toMatchObject({ id: restart.id, outcome: 'no longer follows from the analysis: top root cause is now orders-db; no action proposed' });
    const entry = (await approvalQueries(db).audit(restart.id)).at(-1);
    expect(entry).toMatchObject({ kind: 'proposal_superseded', details: { reason: superseded.outcome, previousState: 'PENDING' } });
    expect(await db.selectFrom('proposals').select('id').where('incident_id', '=', incidentId).where('state', 'in', ['PENDING', 'APPROVED']).execute()).toEqual(
      [],
    );
    const title = await eventually(async () => {
      const row = await db.selectFrom('incidents').select('title').where('id', '=', incidentId).executeTakeFirstOrThrow();
      return row.title.startsWith('PostgresDown') ? row.title : undefined;
    });
    expect(title).toBe('PostgresDown on orders-db (+1 more)');
    const card = await buildIncidentCard(db, incidentId, { people: bot.bot.parts.people, cluster, prices: bot.config.prices });
    expect(card).toMatchObject({ title, proposal: { id: restart.id, state: 'SUPERSEDED', outcome: superseded.outcome } });
  });

  it('an incident that resolves ends its waiting proposal: EXPIRED "incident resolved", the card says so', async () => {
    bot = await startTestBot({ incidents: { resolveGraceSeconds: 0 } }, { cluster });
    const startsAt = new Date(Date.now() - 60_000);
    const incidentId = await post(crashLoop('firing', startsAt));
    const pending = await proposalIn(incidentId, 'PENDING');

    expect(await post(crashLoop('resolved', startsAt))).toBe(incidentId);
    const ended = await proposalIn(incidentId, 'EXPIRED');
    expect(ended).toMatchObject({ id: pending.id, outcome: 'incident resolved' });
    const db = bot.bot.database.db;
    expect((await approvalQueries(db).audit(pending.id)).at(-1)).toMatchObject({ kind: 'expired', details: { reason: 'incident resolved' } });
    const card = await buildIncidentCard(db, incidentId, { people: bot.bot.parts.people, cluster, prices: bot.config.prices });
    expect(card).toMatchObject({ status: 'resolved', proposal: { state: 'EXPIRED', outcome: 'incident resolved' } });
  });
});
