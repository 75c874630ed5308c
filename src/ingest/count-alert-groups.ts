import { sql, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { ChangedAlert } from './upsert-alerts.ts';

interface GroupDelta {
  incidentId: string;
  service: string;
  name: string;
  status: string;
  severity: string;
  alerts: number;
  /** Earliest start among the alerts entering the group; null when alerts only leave it. */
  firstStartsAt: Date | null;
  sample: string | null;
}

/**
 * Moves the per-incident counts of alerts by service, name, status and severity by what this batch changed:
 * an inserted alert enters its group, an alert whose status or severity changed leaves the old group and
 * enters the new one. Each row moves by an increment on the row as locked, so concurrent ingestions add up
 * exactly; rows are written in key order, so two of them never wait for each other in a cycle.
 */
export async function countAlertGroups(trx: Transaction<DatabaseSchema>, changed: readonly ChangedAlert[]): Promise<void> {
  const deltas = new Map<string, GroupDelta>();
  const move = (row: ChangedAlert, status: string, severity: string, by: 1 | -1) => {
    const service = row.service ?? '';
    const key = JSON.stringify([row.incidentId, service, row.name, status, severity]);
    const delta = deltas.get(key) ?? { incidentId: row.incidentId, service, name: row.name, status, severity, alerts: 0, firstStartsAt: null, sample: null };
    delta.alerts += by;
    if (by === 1 && (delta.firstStartsAt === null || row.startsAt < delta.firstStartsAt)) {
      delta.firstStartsAt = row.startsAt;
      delta.sample = row.fingerprint;
    }
    deltas.set(key, delta);
  };
  for (const row of changed) {
    if (row.previousStatus === row.status && row.previousSeverity === row.severity) continue;
    if (row.previousStatus !== null) move(row, row.previousStatus, row.previousSeverity ?? row.severity, -1);
    move(row, row.status, row.severity, 1);
  }
  const rows = [...deltas.entries()]
    .filter(([, delta]) => delta.alerts !== 0 || delta.firstStartsAt !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, delta]) => delta);
  if (rows.length === 0) return;
  const column = <T>(pick: (delta: GroupDelta) => T) => rows.map(pick);
  await sql`
    INSERT INTO incident_alert_groups AS g (incident_id, service, name, status, severity, alerts, first_starts_at, sample_fingerprint)
    SELECT * FROM unnest(
      ${column((delta) => delta.incidentId)}::uuid[], ${column((delta) => delta.service)}::text[], ${column((delta) => delta.name)}::text[],
      ${column((delta) => delta.status)}::text[], ${column((delta) => delta.severity)}::text[], ${column((delta) => delta.alerts)}::int[],
      ${column((delta) => delta.firstStartsAt?.toISOString() ?? null)}::timestamptz[], ${column((delta) => delta.sample)}::text[])
    ON CONFLICT (incident_id, service, name, status, severity) DO UPDATE SET
      alerts = greatest(0, g.alerts + excluded.alerts),
      -- A group that was empty starts afresh; alerts that only leave keep the earliest start as it was.
      first_starts_at = CASE WHEN excluded.first_starts_at IS NULL THEN g.first_starts_at
        WHEN g.alerts = 0 THEN excluded.first_starts_at ELSE least(g.first_starts_at, excluded.first_starts_at) END,
      sample_fingerprint = CASE WHEN excluded.first_starts_at IS NULL THEN g.sample_fingerprint
        WHEN g.alerts = 0 OR excluded.first_starts_at < g.first_starts_at THEN excluded.sample_fingerprint ELSE g.sample_fingerprint END`.execute(trx);
}
