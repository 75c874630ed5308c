import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeIncidents } from '../../src/incidents/merge-incidents.ts';
import { insertIncident } from '../support/approval-harness.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const at = new Date('2026-03-01T10:00:00Z');

/** mergeIncidents itself refuses a pair of two clusters (ADR 0032), whatever correlation decided. */
describe('mergeIncidents across clusters [real PostgreSQL]', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => database.drop());

  const incident = async (cluster: string, service: string) => {
    const row = { id: await insertIncident(database.handle.db, at, { title: `${service} down`, severity: 'warning', cluster, services: [service] }) };
    await database.handle.db
      .insertInto('alerts')
      .values({
        incident_id: row.id,
        fingerprint: `${cluster}-${service}`,
        name: 'Down',
        status: 'firing',
        severity: 'warning',
        service,
        labels: JSON.stringify({ service }),
        annotations: JSON.stringify({}),
        starts_at: at,
        ends_at: null,
        source: 'alertmanager',
        group_key: null,
        generator_url: null,
      })
      .execute();
    return row.id;
  };
  const state = (id: string) => database.handle.db.selectFrom('incidents').select(['status', 'merged_into']).where('id', '=', id).executeTakeFirstOrThrow();
  const alertsOf = async (id: string) =>
    (await database.handle.db.selectFrom('alerts').select('fingerprint').where('incident_id', '=', id).execute()).map((row) => row.fingerprint);

  it('refuses a pair of different clusters: both stay open with their alerts, and a warning names both', async () => {
    const east = await incident('east', 'orders-db');
    const west = await incident('west', 'session-cache');
    const log = recordingLogger();
    const merged = await database.handle.db
      .transaction()
      .execute((trx) => mergeIncidents(trx, [{ from: west, into: east }], { at, bridging: ['bridge'], log }));
    expect(merged).toEqual([]);
    expect(await state(east)).toEqual({ status: 'open', merged_into: null });
    expect(await state(west)).toEqual({ status: 'open', merged_into: null });
    expect(await alertsOf(west)).toEqual(['west-session-cache']);
    expect(await alertsOf(east)).toEqual(['east-orders-db']);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'merge refused: the incidents belong to different clusters',
        fields: expect.objectContaining({ incidentId: east, cluster: 'east', refusedId: west, refusedCluster: 'west' }),
      }),
    ]);
    const audited = await database.handle.db.selectFrom('audit_outbox').select('kind').where('kind', '=', 'incidents_merged').execute();
    expect(audited).toEqual([]);
  });

  it('still merges a pair of one cluster in the same call, and only that one', async () => {
    const east = await incident('east', 'orders-db');
    const eastToo = await incident('east', 'session-cache');
    const west = await incident('west', 'cart');
    const log = recordingLogger();
    const merged = await database.handle.db.transaction().execute((trx) =>
      mergeIncidents(
        trx,
        [
          { from: eastToo, into: east },
          { from: west, into: east },
        ],
        { at, bridging: [], log },
      ),
    );
    expect(merged).toEqual([expect.objectContaining({ id: eastToo, into: east })]);
    expect(await state(eastToo)).toEqual({ status: 'merged', merged_into: east });
    expect(await state(west)).toEqual({ status: 'open', merged_into: null });
    expect((await alertsOf(east)).sort()).toEqual(['east-orders-db', 'east-session-cache']);
    expect(await alertsOf(west)).toEqual(['west-cart']);
    expect(log.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });
});
