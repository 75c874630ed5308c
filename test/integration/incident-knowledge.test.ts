import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { defaultPrices } from '../../src/finops/pricing.ts';
import { findSimilarIncidents } from '../../src/knowledge/find-similar-incidents.ts';
import { recordResolvedIncident } from '../../src/knowledge/record-resolved-incident.ts';
import { similarIncidentLines } from '../../src/knowledge/similar-incident-lines.ts';
import type { DiagnosisInput } from '../../src/ports/brain-port.ts';
import { createIngestHarness, type IngestHarness } from '../support/ingest-harness.ts';

/** A restart of shop/checkout that ran for the incident and ended as `state`. */
async function ranRestart(h: IngestHarness, incidentId: string, state: 'SUCCEEDED' | 'FAILED') {
  const db = h.deps.db;
  const { rows } = await sql<{ id: string }>`
    INSERT INTO proposals (incident_id, action, target, params, reason, base_risk, risk, trust_pattern, trust_score, plan_hash, dry_run, state, created_at, expires_at)
    VALUES (${incidentId}::uuid, 'restart_deployment', '{"kind":"Deployment","namespace":"shop","name":"checkout"}', '{}', 'crash loop',
      'MEDIUM', 'MEDIUM', 'restart_deployment:shop/checkout', 0, 'hash', '{}', ${state}, now(), now() + interval '1 hour')
    RETURNING id`.execute(db);
  await sql`
    INSERT INTO executions (proposal_id, status, started_at, finished_at)
    VALUES (${rows[0]!.id}::uuid, ${state === 'SUCCEEDED' ? 'succeeded' : 'failed'}, now(), now())`.execute(db);
}

const crashLoop = (fingerprint: string, status: 'firing' | 'resolved' = 'firing', startsAt = '2026-03-01T10:00:00Z') => ({
  fingerprint,
  name: 'KubePodCrashLooping',
  service: 'checkout',
  status,
  startsAt,
});

describe('knowledge base of resolved incidents (issue 10)', () => {
  let h: IngestHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('writes a resolved incident once, with what ran and how long it took, however often and from however many replicas', async () => {
    h = await createIngestHarness();
    const { incidents } = await h.ingest('group-kb', [crashLoop('kb-1')]);
    const id = incidents[0]!;
    await ranRestart(h, id, 'SUCCEEDED');
    // Its last alert resolves at 10:30: the flip writes the knowledge in the same commit.
    await h.ingest('group-kb', [crashLoop('kb-1', 'resolved')]);
    const read = () => h!.deps.db.selectFrom('incident_knowledge').selectAll().execute();
    const first = await read();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      incident_id: id,
      services: ['checkout'],
      alert_names: ['KubePodCrashLooping'],
      action: 'rollout restart of deployment shop/checkout',
      outcome: 'SUCCEEDED',
      minutes_to_resolve: '30.0',
    });
    // Retries and a second replica write the same row again, never another one.
    expect(await Promise.all([1, 2, 3, 4].map(() => recordResolvedIncident(h!.deps.db, id)))).toEqual([true, true, true, true]);
    expect(await read()).toEqual([{ ...first[0], recorded_at: first[0]!.recorded_at }]);
  });

  it('writes nothing for an incident that is still open', async () => {
    h = await createIngestHarness();
    const { incidents } = await h.ingest('group-open', [crashLoop('open-1')]);
    expect(await recordResolvedIncident(h.deps.db, incidents[0]!)).toBe(false);
    expect(await h.deps.db.selectFrom('incident_knowledge').select('incident_id').execute()).toEqual([]);
  });

  it('shows similar past incidents on the card: how often, how long ago, and what fixed the latest', async () => {
    h = await createIngestHarness();
    const cardOf = (id: string) => buildIncidentCard(h!.deps.db, id, { people: [], cluster: SandboxCluster.withDemoData(), prices: defaultPrices });
    const past = (await h.ingest('group-past', [crashLoop('past-1', 'firing', '2026-02-01T10:00:00Z')])).incidents[0]!;
    await ranRestart(h, past, 'SUCCEEDED');
    await h.ingest('group-past', [crashLoop('past-1', 'resolved', '2026-02-01T10:00:00Z')]);
    // The knowledge row's end, as if this happened 12 days ago and took 4 minutes.
    await sql`UPDATE incident_knowledge SET resolved_at = now() - interval '12 days', minutes_to_resolve = 4`.execute(h.deps.db);

    const now = (await h.ingest('group-now', [crashLoop('now-1', 'firing', '2026-03-01T12:00:00Z')])).incidents[0]!;
    const card = await cardOf(now);
    expect(card?.history).toMatchObject({ seen: 1, text: 'seen once, last 12 days ago: rollout restart of deployment shop/checkout fixed it in 4 min' });
    expect(card?.history?.similar.map((entry) => entry.incidentId)).toEqual([past]);
    // The brain is told the same, a line per past incident.
    const question = { services: ['checkout'], alerts: [{ name: 'KubePodCrashLooping' }] } as unknown as DiagnosisInput;
    expect(await similarIncidentLines(h.deps.db, question, now)).toEqual([
      expect.stringMatching(/^#\d+ .*resolved \d{4}-\d\d-\d\d in 4 min; ran: rollout restart of deployment shop\/checkout → SUCCEEDED$/),
    ]);

    // Another alert on another service: nothing alike.
    const other = (await h.ingest('group-other', [{ fingerprint: 'o-1', name: 'DiskFull', service: 'search', startsAt: '2026-03-01T12:00:00Z' }]))
      .incidents[0]!;
    expect((await cardOf(other))?.history).toBeNull();
  });

  it('takes alert names full of query syntax as words, never as a query', async () => {
    h = await createIngestHarness();
    const hostile = await findSimilarIncidents(h.deps.db, {
      id: '00000000-0000-4000-8000-000000000000',
      services: ["'; DROP TABLE incidents; --", '-checkout'],
      alertNames: ['a & b | !c:* <-> (d', 'or or ""'],
    });
    expect(hostile).toEqual({ seen: 0, similar: [] });
  });
});
