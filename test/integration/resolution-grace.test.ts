import { afterEach, describe, expect, it } from 'vitest';
import { findIncident } from '../../src/incidents/incident-repository.ts';
import { resolveQuietIncidents } from '../../src/incidents/resolve-quiet-incidents.ts';
import { createIngestHarness, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';
import { eventually, startTestBot, type TestBot } from '../support/start-test-bot.ts';
import { alertmanagerPayload } from '../support/ingest-harness.ts';

const firing: TestAlert = { fingerprint: 'grace-1', service: 'cart', startsAt: '2026-03-01T10:00:00Z' };
const resolved: TestAlert = { ...firing, status: 'resolved' };
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('resolution waits out a grace period (issue 10) [real PostgreSQL]', () => {
  let h: IngestHarness | undefined;
  let bot: TestBot | undefined;
  afterEach(async () => {
    await h?.close();
    await bot?.close();
    h = undefined;
    bot = undefined;
  });

  it('keeps the incident open while the grace runs, asks to look again then, and resolves only once it is over', async () => {
    const due: ReadonlyMap<string, number>[] = [];
    h = await createIngestHarness({ deps: { resolveGraceMilliseconds: 1500, resolutionDue: async (waiting) => void due.push(waiting) } });
    const id = (await h.ingest('group-grace', [firing])).incidents[0]!;
    await h.ingest('group-grace', [resolved]);
    expect((await findIncident(h.deps.db, id))?.status).toBe('open');
    expect(due).toHaveLength(1);
    expect(due[0]!.get(id)).toBeGreaterThan(0);
    expect(due[0]!.get(id)).toBeLessThanOrEqual(1500);

    // Firing again inside the grace: the same open incident, no flap, nothing to resolve.
    expect((await h.ingest('group-grace', [firing])).incidents).toEqual([id]);
    expect(await findIncident(h.deps.db, id)).toMatchObject({ status: 'open', flapped: null });
    const early = await resolveQuietIncidents(h.deps.db, new Map([[id, null]]), { graceMilliseconds: 1500 });
    expect(early).toEqual({ resolved: [], waiting: new Map() });

    await h.ingest('group-grace', [resolved]);
    const inside = await resolveQuietIncidents(h.deps.db, new Map([[id, null]]), { graceMilliseconds: 1500 });
    expect(inside.resolved).toEqual([]);
    await sleep(inside.waiting.get(id)! + 100);
    const after = await resolveQuietIncidents(h.deps.db, new Map([[id, null]]), { graceMilliseconds: 1500 });
    expect(after.resolved).toEqual([id]);
    expect((await findIncident(h.deps.db, id))?.status).toBe('resolved');
    // Its analysis is requested with the flip, so its proposals end and its card says so.
    expect((await h.requestedAnalyses()).at(-1)).toBe(id);
  });

  it('resolves through the durable timer in the running bot, and the waiting proposal expires "incident resolved"', async () => {
    bot = await startTestBot({ incidents: { resolveGraceSeconds: 1 }, approvals: { riskOverrides: { restart_deployment: 'HIGH' } } });
    const post = (alerts: TestAlert[]) =>
      fetch(`${bot!.bot.url}/api/v1/alerts/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alertmanagerPayload('group-bot-grace', alerts)),
      }).then(async (response) => ((await response.json()) as { incidents: string[] }).incidents);
    const crashing: TestAlert = { fingerprint: 'grace-bot', service: 'cart', name: 'KubePodCrashLooping', startsAt: new Date().toISOString() };
    const [id] = await post([crashing]);
    const db = bot.database.handle.db;
    const proposal = await eventually(async () => (await db.selectFrom('proposals').select('id').where('incident_id', '=', id!).executeTakeFirst())?.id);
    await post([{ ...crashing, status: 'resolved' }]);
    expect((await findIncident(db, id!))?.status).toBe('open');
    await eventually(async () => ((await findIncident(db, id!))?.status === 'resolved' ? true : undefined));
    const ended = await eventually(async () => {
      const row = await db.selectFrom('proposals').select(['state', 'outcome']).where('id', '=', proposal).executeTakeFirstOrThrow();
      return row.state === 'EXPIRED' ? row : undefined;
    });
    expect(ended.outcome).toBe('incident resolved');
  });
});
