import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, type AuditEntry } from '../../src/audit/append-audit.ts';
import { auditChainLock } from '../../src/audit/chain-audit-entries.ts';
import { queueAuditEntry } from '../../src/audit/queue-audit-entry.ts';
import { sealAuditOutbox } from '../../src/audit/seal-audit-outbox.ts';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { DatabaseSchema } from '../../src/storage/database-schema.ts';
import { openDatabase } from '../../src/storage/open-database.ts';
import { alertmanagerPayload, createIngestHarness, type IngestHarness } from '../support/ingest-harness.ts';
import { eventually } from '../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const receipt = (index: number): AuditEntry => ({
  kind: 'alert_received',
  at: new Date(Date.UTC(2026, 2, 1, 3, 0, index)),
  incidentId: null,
  details: { index, source: 'alertmanager', incidents: [] },
});

const seal = (db: Kysely<DatabaseSchema>, options?: { batchSize?: number }) => sealAuditOutbox({ db, log: silentLogger }, options);

/** A session that holds the audit chain's lock until released: a sealer or appender that cannot proceed. */
async function holdChainLock(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [auditChainLock]);
  return { client, release: async () => void (await client.query('SELECT pg_advisory_unlock_all()')), end: () => client.end() };
}

const within = <T>(promise: Promise<T>, milliseconds: number) =>
  Promise.race([promise.then(() => 'done' as const), new Promise<'blocked'>((resolve) => setTimeout(resolve, milliseconds, 'blocked'))]);

describe('audit outbox: receipts written without the chain lock, sealed into the chain', () => {
  let database: TestDatabase | undefined;
  let harness: IngestHarness | undefined;
  afterEach(async () => {
    await database?.drop();
    await harness?.close();
    database = undefined;
    harness = undefined;
  });

  it('seals queued entries oldest first after the ones already chained, and empties the outbox', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    await db.transaction().execute(async (trx) => {
      for (const index of [1, 2, 3]) await queueAuditEntry(trx, receipt(index));
      await appendAudit(trx, { kind: 'signature', actor: 'alice', at: new Date('2026-03-01T04:00:00Z'), details: { roles: ['sre'] } });
    });
    await db.transaction().execute(async (trx) => queueAuditEntry(trx, receipt(4)));

    expect(await seal(db, { batchSize: 3 })).toBe(3);
    expect(await seal(db, { batchSize: 3 })).toBe(1);
    expect(await seal(db)).toBe(0);

    const rows = await db.selectFrom('audit_log').select(['sequence', 'kind', 'details']).orderBy('sequence').execute();
    expect(rows.map((row) => [row.sequence, row.kind, (row.details as { index?: number }).index])).toEqual([
      ['1', 'signature', undefined],
      ['2', 'alert_received', 1],
      ['3', 'alert_received', 2],
      ['4', 'alert_received', 3],
      ['5', 'alert_received', 4],
    ]);
    expect(rows[1]!.details).toEqual({ index: 1, source: 'alertmanager', incidents: [] });
    expect(await db.selectFrom('audit_outbox').select('id').execute()).toEqual([]);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 5 });
  });

  it('two sealers at once, beside writers and appenders, move every entry exactly once: no gap, no duplicate', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    const other = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 4 });
    try {
      let writing = true;
      const sealAll = async (handle: typeof db) => {
        let moved = 0;
        for (;;) {
          const batch = await seal(handle, { batchSize: 7 });
          moved += batch;
          if (batch === 0 && !writing) return moved;
        }
      };
      const sealers = [sealAll(db), sealAll(other.db)];
      await Promise.all(
        Array.from({ length: 30 }, (_, writer) =>
          (writer % 2 === 0 ? db : other.db).transaction().execute(async (trx) => {
            for (let index = 0; index < 10; index++) await queueAuditEntry(trx, receipt(writer * 10 + index));
            if (writer % 3 === 0) await appendAudit(trx, { kind: 'approved', at: new Date(), details: { writer } });
          }),
        ),
      );
      writing = false;
      const moved = await Promise.all(sealers);
      expect(moved[0]! + moved[1]!).toBe(300);
    } finally {
      await other.close();
    }
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 310 });
    const { rows } = await sql<{ index: number; copies: number }>`
      SELECT (details->>'index')::int AS index, count(*)::int AS copies FROM audit_log WHERE kind = 'alert_received' GROUP BY 1 ORDER BY 1`.execute(db);
    expect(rows).toEqual(Array.from({ length: 300 }, (_, index) => ({ index, copies: 1 })));
  });

  it('an ingestion does not wait for the chain lock; its receipt is chained once the lock is free', async () => {
    harness = await createIngestHarness();
    const holder = await holdChainLock(harness.database.url);
    try {
      const ingested = harness.ingest('group-audit', [{ fingerprint: 'audit-1', service: 'cart' }]);
      expect(await within(ingested, 15_000)).toBe('done');
      const db = harness.deps.db;
      expect(await db.selectFrom('audit_outbox').select(['kind', 'incident_id']).execute()).toEqual([
        { kind: 'alert_received', incident_id: (await ingested).incidents[0] },
      ]);
      await holder.release();
      expect(await seal(db)).toBe(1);
      expect(await db.selectFrom('audit_log').select(['kind', 'details']).execute()).toEqual([
        { kind: 'alert_received', details: { source: 'alertmanager', alerts: 1, firing: 1, incidents: (await ingested).incidents } },
      ]);
    } finally {
      await holder.end();
    }
  });

  it('a sealer whose session is killed between taking entries out and chaining them loses none', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    await db.transaction().execute(async (trx) => {
      for (const index of [1, 2, 3]) await queueAuditEntry(trx, receipt(index));
    });
    // An uncommitted entry 1 makes the sealer's insert wait, after its DELETE, inside its transaction.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`INSERT INTO audit_log VALUES (1, now(), 'signature', null, null, null, '{}', 'x', 'y')`);
    // Its own pool: a checked-out client whose session is killed emits 'error', which must not end the test run.
    const victimPool = new pg.Pool({ connectionString: database.url, max: 1 });
    victimPool.on('connect', (client) => client.on('error', () => {}));
    victimPool.on('error', () => {});
    const victim = { db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: victimPool }) }) };
    try {
      const sealed = seal(victim.db).catch((error: Error) => error);
      // Polled from another session: inside the blocker's transaction pg_stat_activity is a snapshot.
      const pid = await eventually(async () => {
        const { rows } = await sql<{ pid: number }>`
          SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'insert into "audit_log"%'`.execute(db);
        return rows[0]?.pid;
      });
      await sql`SELECT pg_terminate_backend(${pid})`.execute(db);
      expect(await sealed).toBeInstanceOf(Error);
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
      await victim.db.destroy().catch(() => {});
    }
    expect(await db.selectFrom('audit_outbox').select('id').execute()).toHaveLength(3);
    expect(await seal(db)).toBe(3);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 3 });
  });

  it('the receipt of alerts answered 200 survives kill -9 of the bot before sealing, and is chained afterwards', async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    const holder = await holdChainLock(database.url);
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const bot = spawn(process.execPath, ['bin/awoooi.js', 'serve'], {
      env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => bot.once('exit', (_code, signal) => resolve(signal)));
    try {
      // A bot process starting beside another test file can take longer than eventually's default ten seconds.
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (response) => (response.ok ? true : undefined),
            () => undefined,
          ),
        30_000,
      );
      const answer = await fetch(`http://127.0.0.1:${port}/api/v1/alerts/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alertmanagerPayload('group-crash', [{ fingerprint: 'crash-1', service: 'cart' }])),
      });
      expect(answer.status).toBe(200);
      bot.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      bot.kill('SIGKILL');
      await holder.release();
      await holder.end();
    }
    // The dead bot's sealer never got the lock: the receipt waits in the outbox, durable.
    expect(await db.selectFrom('audit_log').select('sequence').execute()).toEqual([]);
    expect(await db.selectFrom('audit_outbox').select('kind').execute()).toEqual([{ kind: 'alert_received' }]);
    expect(await seal(db)).toBe(1);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 1 });
  }, 60_000);
});
