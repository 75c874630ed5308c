import { sql, type Kysely } from 'kysely';
import { severities, type Severity } from '../alerts/alert.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** What the analysis ranks by, for one service: its alerts the analysis considers, summed up. */
export interface ServiceSummary {
  /** '' for alerts that name no service. */
  service: string;
  /** Distinct alert names, by first start then name. */
  names: string[];
  /** The worst severity among them. */
  severity: Severity;
  firstStartsAt: Date;
  alerts: number;
  /** Fingerprints of one stored alert per (name, status, severity), by first start; at most `maxSamplesPerService`. */
  samples: string[];
}

/** An incident's alert counts as the analysis reads them, all from one snapshot. */
export interface IncidentServices {
  /** The newest `incident_alert_groups.revision`: the state these counts belong to. */
  revision: number;
  /** Every alert counted, firing or resolved. */
  alertsAnalysed: number;
  /** Whether any alert fires; when none does, the analysis considers the resolved ones. */
  firing: boolean;
  incidentStatus: string;
  /** The digest of the analysis whose remediation round finished, and its top root cause. */
  remediatedDigest: string | null;
  topRootCause: string | null;
  /** Services by first start (then first name, then name); empty when the incident counts no alert. */
  services: ServiceSummary[];
}

/** Samples kept per service: the brain reads 100 in all, best-ranked services first. */
const maxSamplesPerService = 100;

/**
 * Reads an incident's alert counts (incident_alert_groups, kept by the ingest) summed up per service in SQL: a
 * storm's incident holds thousands of (service, name, status, severity) groups but a few hundred services, and
 * the ranking only needs, per service, the names firing, the worst severity and the first start. The analysis
 * runs on the ingest's event loop; parsing and holding every group was most of its time (ADR 0042).
 */
export async function readIncidentServices(db: Kysely<DatabaseSchema>, incidentId: string): Promise<IncidentServices> {
  const { rows } = await sql<{
    revision: string | null;
    alerts_analysed: number;
    firing: boolean;
    remediated_digest: string | null;
    top: string | null;
    incident_status: string;
    service: string | null;
    names: string[] | null;
    rank: number | null;
    first_starts_at: Date | null;
    alerts: number | null;
    samples: string[] | null;
  }>`
    -- MATERIALIZED: the incident's fields once (each use would detoast the whole analysis document).
    WITH incident AS MATERIALIZED (
      SELECT analysis->>'remediatedDigest' AS remediated_digest, analysis->'rootCauses'->0->>'service' AS top, status AS incident_status
      FROM incidents WHERE id = ${incidentId}::uuid
    ), groups AS MATERIALIZED (
      SELECT service, name, status, severity, alerts, first_starts_at, sample_fingerprint, revision
      FROM incident_alert_groups WHERE incident_id = ${incidentId}::uuid
    ), totals AS MATERIALIZED (
      SELECT max(revision) AS revision, coalesce(sum(alerts) FILTER (WHERE alerts > 0), 0)::int AS alerts_analysed,
        coalesce(bool_or(status = 'firing' AND alerts > 0), false) AS firing
      FROM groups
    ), considered AS MATERIALIZED (
      SELECT * FROM groups WHERE alerts > 0 AND (status = 'firing' OR NOT (SELECT firing FROM totals))
    ), per_service AS (
      SELECT service, min(first_starts_at) AS first_starts_at, sum(alerts)::int AS alerts,
        min(array_position(${sql.raw(`ARRAY[${severities.map((severity) => `'${severity}'`).join(', ')}]`)}, severity)) AS rank,
        (array_agg(sample_fingerprint ORDER BY first_starts_at, name, status, severity))[1:${sql.lit(maxSamplesPerService)}] AS samples
      FROM considered GROUP BY service
    ), per_name AS (
      SELECT service, name, min(first_starts_at) AS first_starts_at FROM considered GROUP BY service, name
    ), service_names AS (
      SELECT service, array_agg(name ORDER BY first_starts_at, name) AS names FROM per_name GROUP BY service
    )
    SELECT totals.revision, totals.alerts_analysed, totals.firing, incident.remediated_digest, incident.top, incident.incident_status,
      summary.service, summary.names, summary.rank, summary.first_starts_at, summary.alerts, summary.samples
    FROM incident CROSS JOIN totals
    LEFT JOIN (SELECT * FROM per_service JOIN service_names USING (service)) AS summary ON true
    ORDER BY summary.first_starts_at, summary.names[1], summary.service`.execute(db);
  const head = rows[0];
  if (head === undefined)
    return { revision: 0, alertsAnalysed: 0, firing: false, incidentStatus: 'open', remediatedDigest: null, topRootCause: null, services: [] };
  return {
    revision: Number(head.revision ?? 0),
    alertsAnalysed: head.alerts_analysed,
    firing: head.firing,
    incidentStatus: head.incident_status,
    remediatedDigest: head.remediated_digest,
    topRootCause: head.top,
    services: rows.flatMap((row) =>
      row.service === null
        ? []
        : [
            {
              service: row.service,
              names: row.names!,
              // A severity outside the known ones (never written by the ingest) counts as the mildest.
              severity: severities[(row.rank ?? severities.length) - 1] ?? 'info',
              firstStartsAt: row.first_starts_at!,
              alerts: row.alerts!,
              samples: row.samples!,
            },
          ],
    ),
  };
}
