import type { Kysely } from 'kysely';
import type { AlertRow } from '../alerts/alert.table.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { IncidentRow } from './incident.table.ts';

/** An incident as the API and the cards show it. */
export interface IncidentView {
  id: string;
  number: number;
  title: string;
  severity: string;
  /** 'merged': closed into the incident `mergedInto` because an alert connected them. */
  status: 'open' | 'resolved' | 'merged';
  mergedInto: string | null;
  services: string[];
  openedAt: string;
  lastAlertAt: string;
  resolvedAt: string | null;
  /** Reopened by an alert firing again soon after it resolved: how often, and when last (ISO); null when never. */
  flapped: { count: number; lastAt: string } | null;
  analysis: unknown;
  alerts: {
    fingerprint: string;
    name: string;
    status: 'firing' | 'resolved';
    severity: string;
    service: string | null;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string | null;
    source: string;
  }[];
}

/** Newest first, each with its alerts. */
export async function listIncidents(db: Kysely<DatabaseSchema>, options: { limit: number; status?: IncidentView['status'] }): Promise<IncidentView[]> {
  let query = db.selectFrom('incidents').selectAll().orderBy('opened_at', 'desc').orderBy('number', 'desc').limit(options.limit);
  if (options.status) query = query.where('status', '=', options.status);
  const incidents = await query.execute();
  if (incidents.length === 0) return [];
  const alerts = await db
    .selectFrom('alerts')
    .selectAll()
    .where(
      'incident_id',
      'in',
      incidents.map((incident) => incident.id),
    )
    .orderBy('starts_at')
    .execute();
  return incidents.map((incident) =>
    toIncidentView(
      incident,
      alerts.filter((alert) => alert.incident_id === incident.id),
    ),
  );
}

export async function findIncident(db: Kysely<DatabaseSchema>, id: string): Promise<IncidentView | null> {
  const incident = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!incident) return null;
  const alerts = await db.selectFrom('alerts').selectAll().where('incident_id', '=', id).orderBy('starts_at').execute();
  return toIncidentView(incident, alerts);
}

/** The view of a stored incident with the alerts given (all of them, or a bounded selection). */
export function toIncidentView(incident: IncidentRow, alerts: readonly AlertRow[]): IncidentView {
  return {
    id: incident.id,
    number: Number(incident.number),
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    mergedInto: incident.merged_into,
    services: incident.services,
    openedAt: incident.opened_at.toISOString(),
    lastAlertAt: incident.last_alert_at.toISOString(),
    resolvedAt: incident.resolved_at?.toISOString() ?? null,
    flapped: incident.flaps > 0 && incident.last_flap_at !== null ? { count: incident.flaps, lastAt: incident.last_flap_at.toISOString() } : null,
    analysis: incident.analysis,
    alerts: alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      name: alert.name,
      status: alert.status,
      severity: alert.severity,
      service: alert.service,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.starts_at.toISOString(),
      endsAt: alert.ends_at?.toISOString() ?? null,
      source: alert.source,
    })),
  };
}
