import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, type AuditEntry } from '../../../src/audit/append-audit.ts';
import { GENESIS_HASH, auditEntryHash } from '../../../src/audit/audit-hash.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import { auditVerifyCommand } from '../../../src/cli/audit-verify-command.ts';
import { openDatabase } from '../../../src/storage/open-database.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { collectOutput } from '../../support/collect-output.ts';

const entry = (index: number): AuditEntry => ({
  kind: 'signature',
  actor: `person-${index}`,
  proposalId: null,
  incidentId: null,
  details: { index, roles: ['sre'], nested: { b: 2, a: 1 }, when: new Date(Date.UTC(2026, 2, 1, 3, index)) },
  at: new Date(Date.UTC(2026, 2, 1, 3, index, 0, 123)),
});

describe('audit log: append-only hash chain', () => {
  let database: TestDatabase;
  const db = () => database.handle.db;
  const append = (count: number, from = 1) =>
    db()
      .transaction()
      .execute(async (trx) => {
        for (let index = from; index < from + count; index++) await appendAudit(trx, entry(index));
      });
  const tamper = async (statement: string) => {
    // The trigger forbids UPDATE and DELETE; only a superuser who disables it can change history.
    await sql.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update').execute(db());
    await sql.raw(statement).execute(db());
    await sql.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update').execute(db());
  };

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => database.drop());

  it('starts from the genesis hash and links every entry to the one before', async () => {
    await append(5);
    const rows = await db().selectFrom('audit_log').selectAll().orderBy('sequence').execute();
    expect(rows.map((row) => row.sequence)).toEqual(['1', '2', '3', '4', '5']);
    expect(rows[0]!.previous_hash).toBe(GENESIS_HASH);
    for (let index = 1; index < rows.length; index++) expect(rows[index]!.previous_hash).toBe(rows[index - 1]!.hash);
    expect(rows[2]!.details).toEqual({ index: 3, roles: ['sre'], nested: { a: 1, b: 2 }, when: '2026-03-01T03:03:00.000Z' });
    expect(await verifyAuditChain(db())).toEqual({ ok: true, entries: 5 });
    expect(await verifyAuditChain(db(), { pageSize: 2 })).toEqual({ ok: true, entries: 5 });
  });

  it('refuses updates and deletes through its trigger', async () => {
    await append(1);
    await expect(sql`UPDATE audit_log SET kind = 'x'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(db())).rejects.toThrow(/append-only/);
  });

  it('names the first altered entry, and `audit verify` exits 1 saying so', async () => {
    await append(6);
    await tamper(`UPDATE audit_log SET details = jsonb_set(details, '{roles}', '["cto"]') WHERE sequence = 3`);
    expect(await verifyAuditChain(db(), { pageSize: 2 })).toEqual({
      ok: false,
      entries: 2,
      firstBroken: { sequence: '3', reason: expect.stringMatching(/does not match its hash/) },
    });
    const output = collectOutput();
    const errors = collectOutput();
    expect(await auditVerifyCommand(db(), output.stream, errors.stream)).toBe(1);
    expect(errors.text()).toMatch(/BROKEN at entry 3/);
    expect(output.text()).toBe('');
  });

  it('catches an entry re-hashed after editing through the next link, and a deleted entry through the gap', async () => {
    await append(6);
    const second = await db().selectFrom('audit_log').selectAll().where('sequence', '=', '2').executeTakeFirstOrThrow();
    const forged = auditEntryHash(second.previous_hash, {
      sequence: '2',
      at: second.at,
      kind: second.kind,
      actor: 'mallory',
      incidentId: null,
      proposalId: null,
      details: second.details,
    });
    await tamper(`UPDATE audit_log SET actor = 'mallory', hash = '${forged}' WHERE sequence = 2`);
    expect(await verifyAuditChain(db())).toEqual({
      ok: false,
      entries: 2,
      firstBroken: { sequence: '3', reason: 'previous_hash does not match the hash of entry 2' },
    });

    await tamper(`UPDATE audit_log SET actor = 'person-2', hash = '${second.hash}' WHERE sequence = 2`);
    expect(await verifyAuditChain(db())).toEqual({ ok: true, entries: 6 });
    await tamper('DELETE FROM audit_log WHERE sequence = 4');
    expect(await verifyAuditChain(db())).toEqual({ ok: false, entries: 3, firstBroken: { sequence: '5', reason: 'entry 4 is missing (found 5 next)' } });
  });

  it('`audit verify` exits 0 on an intact log', async () => {
    await append(3);
    const output = collectOutput();
    const errors = collectOutput();
    expect(await auditVerifyCommand(db(), output.stream, errors.stream)).toBe(0);
    expect(output.text()).toMatch(/intact: 3 entries/);
    expect(errors.text()).toBe('');
  });

  it('stays one linear chain when writers in two pools append at the same time', async () => {
    const other = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 5 });
    try {
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          (index % 2 === 0 ? db() : other.db).transaction().execute(async (trx) => {
            await appendAudit(trx, entry(index));
            await appendAudit(trx, entry(index + 100));
          }),
        ),
      );
    } finally {
      await other.close();
    }
    expect(await verifyAuditChain(db())).toEqual({ ok: true, entries: 80 });
  });

  it('a rolled-back transaction leaves no entry and no hole', async () => {
    await append(2);
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await appendAudit(trx, entry(3));
          throw new Error('the change being audited failed');
        }),
    ).rejects.toThrow('the change being audited failed');
    await append(1, 3);
    expect(await verifyAuditChain(db())).toEqual({ ok: true, entries: 3 });
  });
});
