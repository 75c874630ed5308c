import { sql, type Transaction } from 'kysely';
import type { AlertStatus } from '../alerts/alert.ts';
import type { AuditEntry } from '../audit/append-audit.ts';
import { outboxValues } from '../audit/queue-audit-entry.ts';
import type { ServiceAlert } from '../incidents/correlate-alerts.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { prepared } from '../storage/prepared-statement.ts';
import { claimsBroken, type IncidentClaims } from './incident-claims.ts';
import { rowStamp } from './latest-occurrences.ts';

/** An alert and the incident it belongs to. */
export interface PlacedAlert {
  alert: ServiceAlert;
  incidentId: string;
}

/** A row the upsert inserted or changed, with the status it had before (null when inserted). */
export interface ChangedAlert {
  incidentId: string;
  fingerprint: string;
  /** When the row changed (this write), as `LatestOccurrence.stamp`. */
  stamp: string;
  status: AlertStatus;
  previousStatus: AlertStatus | null;
  severity: string;
  service: string | null;
  startsAt: Date;
  endsAt: Date | null;
  /**
   * Its incident as the write saw it: whether its service is among the incident's, the incident's severity and
   * latest start. These only grow, so a change they already cover needs no update (`applyIncidentChanges`).
   */
  incident?: { serviceKnown: boolean; severity: string; lastAlertAt: Date };
}

/** What the batch's one write statement did: the rows it inserted or changed, or nothing at all (`blocked`). */
export type WriteOutcome = { blocked: false; changed: ChangedAlert[] } | { blocked: true };

/**
 * One statement for a batch's writes (each statement costs a round trip and a plan, the larger part of a
 * storm's batch): the alerts inserted or updated, the incident's alert counts by (service, name, status, severity)
 * moved by what changed (stamped with a new revision), the receipt queued for the audit chain and the analysis of
 * each changed incident requested (ADR 0013). Writes nothing and answers `blocked` when one of the batch's
 * `claims` fails: an incident it brings firing alerts to is no longer open, or one was merged (the caller holds
 * the keys of those it writes to, so none resolves or merges
 * after this statement's snapshot).
 *
 * The upsert records each row's status and severity as locked (RETURNING sees only new values), so the counts
 * move by exactly what changed even when two groups update one alert at once: an inserted alert enters its group;
 * one whose status or severity changed leaves the old group and enters the new one. Alert rows are written in
 * (incident, fingerprint) order and count rows in key order, after all alert rows (the counts aggregate them
 * first), so two ingestions never wait for each other in a cycle (ADR 0008).
 */
export async function writeAlerts(
  trx: Transaction<DatabaseSchema>,
  placed: readonly PlacedAlert[],
  receipt: AuditEntry,
  claims: IncidentClaims,
): Promise<WriteOutcome> {
  const ordered = [...placed].sort((a, b) => compare(a.incidentId, b.incidentId) || compare(a.alert.fingerprint, b.alert.fingerprint));
  const column = <T>(pick: (entry: PlacedAlert) => T) => ordered.map(pick);
  const entry = outboxValues(receipt);
  const { rows } = await sql<{
    blocked: boolean;
    incident_id: string;
    fingerprint: string;
    stamp: string;
    status: AlertStatus;
    previous_status: AlertStatus | null;
    severity: string;
    service: string | null;
    starts_at: Date;
    ends_at: Date | null;
    service_known: boolean;
    incident_severity: string;
    incident_last_alert_at: Date;
  }>`${prepared('write-alerts')}
    WITH blocked AS (
      SELECT ${claimsBroken(claims)} AS blocked
    ), upserted AS (
      INSERT INTO alerts (incident_id, fingerprint, name, status, severity, service, labels, annotations, starts_at, ends_at, source, group_key, generator_url)
      SELECT * FROM unnest(
        ${column((entry) => entry.incidentId)}::uuid[], ${column((entry) => entry.alert.fingerprint)}::text[],
        ${column((entry) => entry.alert.name)}::text[], ${column((entry) => entry.alert.status)}::text[],
        ${column((entry) => entry.alert.severity)}::text[], ${column((entry) => entry.alert.service)}::text[],
        ${column((entry) => JSON.stringify(entry.alert.labels))}::jsonb[], ${column((entry) => JSON.stringify(entry.alert.annotations))}::jsonb[],
        ${column((entry) => entry.alert.startsAt.toISOString())}::timestamptz[], ${column((entry) => entry.alert.endsAt?.toISOString() ?? null)}::timestamptz[],
        ${column((entry) => entry.alert.source)}::text[], ${column((entry) => entry.alert.groupKey)}::text[],
        ${column((entry) => entry.alert.generatorUrl)}::text[])
      WHERE NOT (SELECT blocked FROM blocked)
      ON CONFLICT (incident_id, fingerprint) DO UPDATE SET
        -- alerts.* is the row as locked, whatever another group wrote meanwhile: the exact previous state.
        previous_status = alerts.status, previous_severity = alerts.severity,
        status = excluded.status, severity = excluded.severity, annotations = excluded.annotations, ends_at = excluded.ends_at, updated_at = now(),
        -- Firing again after it resolved: a new occurrence, which starts now (a replay of it is then recognised).
        starts_at = CASE WHEN alerts.status = 'resolved' AND excluded.status = 'firing' THEN excluded.starts_at ELSE alerts.starts_at END
      -- Identical re-sends change nothing and write nothing.
      WHERE (alerts.status, alerts.severity, alerts.annotations, alerts.ends_at)
        IS DISTINCT FROM (excluded.status, excluded.severity, excluded.annotations, excluded.ends_at)
      RETURNING incident_id, fingerprint, name, status, previous_status, severity, previous_severity, service, starts_at, ends_at,
        ${sql.raw(rowStamp('alerts'))} AS stamp
    ), moves AS (
      SELECT incident_id, coalesce(service, '') AS service, name, status, severity, 1 AS alerts, starts_at, fingerprint
      FROM upserted WHERE previous_status IS NULL OR previous_status <> status OR previous_severity <> severity
      UNION ALL
      SELECT incident_id, coalesce(service, ''), name, previous_status, previous_severity, -1, NULL, NULL
      FROM upserted WHERE previous_status <> status OR previous_severity <> severity
    ), deltas AS (
      SELECT incident_id, service, name, status, severity, sum(alerts)::int AS alerts, min(starts_at) AS first_starts_at,
        (array_agg(fingerprint ORDER BY starts_at, fingerprint) FILTER (WHERE fingerprint IS NOT NULL))[1] AS sample
      FROM moves GROUP BY incident_id, service, name, status, severity
      HAVING sum(alerts) <> 0 OR min(starts_at) IS NOT NULL
    ), counted AS (
      INSERT INTO incident_alert_groups AS g (incident_id, service, name, status, severity, alerts, first_starts_at, sample_fingerprint)
      SELECT * FROM deltas ORDER BY incident_id, service, name, status, severity
      ON CONFLICT (incident_id, service, name, status, severity) DO UPDATE SET
        alerts = greatest(0, g.alerts + excluded.alerts), revision = excluded.revision,
        -- A group that was empty starts afresh; alerts that only leave keep its earliest start as it was.
        first_starts_at = CASE WHEN excluded.first_starts_at IS NULL THEN g.first_starts_at
          WHEN g.alerts = 0 THEN excluded.first_starts_at ELSE least(g.first_starts_at, excluded.first_starts_at) END,
        sample_fingerprint = CASE WHEN excluded.first_starts_at IS NULL THEN g.sample_fingerprint
          WHEN g.alerts = 0 OR excluded.first_starts_at < g.first_starts_at THEN excluded.sample_fingerprint ELSE g.sample_fingerprint END
    ), receipt AS (
      INSERT INTO audit_outbox (at, kind, actor, incident_id, proposal_id, details)
      SELECT ${entry.at.toISOString()}::timestamptz, ${entry.kind}, ${entry.actor}, ${entry.incident_id}::uuid, ${entry.proposal_id}::uuid, ${entry.details}::jsonb
      WHERE NOT (SELECT blocked FROM blocked)
    ), requested AS (
      INSERT INTO analysis_requests (incident_id) SELECT DISTINCT incident_id FROM upserted ORDER BY incident_id
    )
    -- One row at least, so the caller learns whether it was blocked.
    SELECT blocked.blocked, upserted.incident_id, upserted.fingerprint, upserted.stamp, upserted.status, upserted.previous_status, upserted.severity, upserted.service,
      upserted.starts_at, upserted.ends_at,
      -- The incident as this statement saw it, so that the caller skips an update that would change nothing.
      coalesce(upserted.service = ANY(incident.services), true) AS service_known, incident.severity AS incident_severity,
      incident.last_alert_at AS incident_last_alert_at
    FROM blocked LEFT JOIN upserted ON true LEFT JOIN incidents AS incident ON incident.id = upserted.incident_id`.execute(trx);
  if (rows[0]?.blocked) return { blocked: true };
  const changed = rows.filter((row) => row.incident_id !== null);
  return {
    blocked: false,
    changed: changed.map((row) => ({
      incidentId: row.incident_id,
      fingerprint: row.fingerprint,
      stamp: row.stamp,
      status: row.status,
      previousStatus: row.previous_status,
      severity: row.severity,
      service: row.service,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      incident: { serviceKnown: row.service_known, severity: row.incident_severity, lastAlertAt: row.incident_last_alert_at },
    })),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
