import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/storage/open-database.ts';
import { prepared } from '../../src/storage/prepared-statement.ts';
import { createIngestHarness, type IngestHarness } from '../support/ingest-harness.ts';
import { needsService } from '../support/needs-service.ts';

describe('hot statements prepared once per connection', () => {
  let h: IngestHarness | undefined;
  let embedded: DatabaseHandle | undefined;
  afterEach(async () => {
    await h?.close();
    await embedded?.close();
    h = embedded = undefined;
  });

  needsService('postgres', 'runs the ingest’s marked statements by name on a PostgreSQL server, and gives the same answers', async () => {
    h = await createIngestHarness({ poolSize: 1 });
    for (const round of [1, 2, 3]) {
      await h.ingest('group-prepared', [
        { fingerprint: 'p-1', service: 'cart' },
        // The last round raises the severity: the incident's own update runs (it is skipped when nothing grows).
        { fingerprint: `p-${round + 1}`, service: 'cart', startsAt: `2026-03-01T10:0${round}:00Z`, ...(round === 3 ? { severity: 'critical' } : {}) },
      ]);
    }
    // One connection: the session that ran the ingest.
    const { rows } = await sql<{ name: string }>`SELECT name FROM pg_prepared_statements ORDER BY name`.execute(h.deps.db);
    expect(rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(['awoooi-latest-occurrences', 'awoooi-lock-correlation-keys', 'awoooi-write-alerts', 'awoooi-apply-incident-changes']),
    );
    const stored = await sql<{ count: number }>`SELECT count(*)::int AS count FROM alerts`.execute(h.deps.db);
    expect(stored.rows[0]!.count).toBe(4);
  });

  it('prepares nothing on the embedded database, whose connections share one session', async () => {
    embedded = await openDatabase({ dataDir: 'memory://' });
    expect(await migrateToLatest(embedded.db)).toMatchObject({ ok: true });
    const { rows } = await sql<{ answer: number }>`${prepared('test-answer')} SELECT ${41}::int + 1 AS answer`.execute(embedded.db);
    expect(rows).toEqual([{ answer: 42 }]);
    const names = await sql<{ name: string }>`SELECT name FROM pg_prepared_statements`.execute(embedded.db);
    expect(names.rows).toEqual([]);
  });
});
