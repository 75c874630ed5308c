import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { findIncident } from '../../src/incidents/incident-repository.ts';
import { createIngestHarness, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';

// The harness's resolved alerts end at 10:30; "now" is five minutes later.
const clock = { now: () => new Date('2026-03-01T10:35:00Z') };
const quietTenMinutes = { clock, flapQuietMilliseconds: 10 * 60_000 };

const firing = (startsAt: string): TestAlert => ({ fingerprint: 'flap-1', service: 'cart', startsAt });
const resolved: TestAlert = { fingerprint: 'flap-1', service: 'cart', status: 'resolved' };

describe('flapping: an alert firing again soon after its incident resolved (issue 10)', () => {
  let h: IngestHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function resolvedIncident(harness: IngestHarness): Promise<string> {
    const { incidents } = await harness.ingest('group-flap', [firing('2026-03-01T10:00:00Z')]);
    await harness.ingest('group-flap', [resolved]);
    expect((await findIncident(harness.deps.db, incidents[0]!))?.status).toBe('resolved');
    return incidents[0]!;
  }

  it('reopens its incident within the quiet period, says it flapped, and a replay of the new occurrence flaps nothing', async () => {
    h = await createIngestHarness({ deps: quietTenMinutes });
    const id = await resolvedIncident(h);
    const again = await h.ingest('group-flap', [firing('2026-03-01T10:33:00Z')]);
    expect(again.incidents).toEqual([id]);
    const reopened = await findIncident(h.deps.db, id);
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null, flapped: { count: 1 } });
    expect(reopened?.alerts).toEqual([expect.objectContaining({ fingerprint: 'flap-1', status: 'firing', startsAt: '2026-03-01T10:33:00.000Z' })]);
    // Alertmanager re-sends the group: the same occurrence, nothing changes.
    await h.ingest('group-flap', [firing('2026-03-01T10:33:00Z')]);
    expect((await findIncident(h.deps.db, id))?.flapped).toMatchObject({ count: 1 });
  });

  it('opens a new incident when the alert fires again after the quiet period, or when flapping is off', async () => {
    h = await createIngestHarness({ deps: quietTenMinutes });
    const id = await resolvedIncident(h);
    await sql`UPDATE incidents SET resolved_at = resolved_at - interval '1 hour' WHERE id = ${id}::uuid`.execute(h.deps.db);
    const later = await h.ingest('group-flap', [firing('2026-03-01T10:34:00Z')]);
    expect(later.incidents).not.toContain(id);
    expect(await findIncident(h.deps.db, id)).toMatchObject({ status: 'resolved', flapped: null });
    await h.close();

    h = await createIngestHarness({ deps: { clock } });
    const off = await resolvedIncident(h);
    expect((await h.ingest('group-flap', [firing('2026-03-01T10:34:00Z')])).incidents).not.toContain(off);
  });

  it('reopens once when two groups bring the flapping alert at the same moment', async () => {
    h = await createIngestHarness({ deps: quietTenMinutes });
    const id = await resolvedIncident(h);
    const answers = await Promise.all([
      h.ingest('group-flap', [firing('2026-03-01T10:33:00Z')]),
      h.ingest('group-other-route', [firing('2026-03-01T10:33:00Z')]),
    ]);
    expect(answers.map((answer) => answer.incidents)).toEqual([[id], [id]]);
    expect(await findIncident(h.deps.db, id)).toMatchObject({ status: 'open', flapped: { count: 1 } });
    const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM alerts WHERE fingerprint = 'flap-1'`.execute(h.deps.db);
    expect(rows[0]!.count).toBe(1);
  });
});
