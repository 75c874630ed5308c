import { afterEach, describe, expect, it } from 'vitest';
import { findIncident } from '../../src/incidents/incident-repository.ts';
import { createIngestHarness, type IngestHarness } from '../support/ingest-harness.ts';

describe('the ingest tells when it opened incidents, after the commit (their cards go out before the analysis)', () => {
  let h: IngestHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('names each new incident once, visible to others by then, and nothing for alerts that join one', async () => {
    const opened: { ids: readonly string[]; visible: boolean[] }[] = [];
    const pending: Promise<void>[] = [];
    h = await createIngestHarness({
      deps: {
        incidentsOpened: (ids) => {
          // Read on the pool, outside the ingest's transaction: only a committed incident is found.
          pending.push(Promise.all(ids.map(async (id) => (await findIncident(h!.deps.db, id)) !== null)).then((visible) => void opened.push({ ids, visible })));
        },
      },
    });
    const first = await h.ingest('group-a', [{ fingerprint: 'o-1', service: 'orders-db', startsAt: '2026-03-01T10:00:00Z' }]);
    await h.ingest('group-b', [{ fingerprint: 'o-2', service: 'checkout', startsAt: '2026-03-01T10:01:00Z' }]);
    await h.ingest('group-a', [{ fingerprint: 'o-1', service: 'orders-db', startsAt: '2026-03-01T10:00:00Z' }]);
    const other = await h.ingest('group-c', [{ fingerprint: 'o-3', service: 'not-in-topology', startsAt: '2026-03-01T10:02:00Z', name: 'Other' }]);
    await Promise.all(pending);
    expect(opened).toEqual([
      { ids: first.incidents, visible: [true] },
      { ids: other.incidents, visible: [true] },
    ]);
  });
});
