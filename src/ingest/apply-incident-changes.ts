import { sql, type Transaction } from 'kysely';
import { compareSeverity, normalizeSeverity } from '../alerts/normalize-severity.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { prepared } from '../storage/prepared-statement.ts';
import type { ChangedAlert } from './write-alerts.ts';

/** What one batch changed in one incident, and whether the incident as the write saw it already covers it. */
interface IncidentDelta {
  services: Set<string>;
  severity: string;
  lastAlertAt: Date;
  covered: boolean;
}

/**
 * Moves each incident's summary by what this batch changed, and only when it is material (ADR 0013): a service
 * joins, the severity rises, or the latest start moves on by more than `lastAlertGranularity` milliseconds. A
 * storm's batches mostly bring more of what the incident already holds, so the UPDATE's condition fails on the
 * row as read and PostgreSQL neither locks nor writes it: batches of one incident no longer queue for its row.
 * When the write statement already saw the incident cover the change, the UPDATE is not even sent.
 * Whether the incident fires is not kept here (it follows from the counts; see `resolveQuietIncidents`).
 * Incidents are updated in id order, last before the commit.
 */
export async function applyIncidentChanges(trx: Transaction<DatabaseSchema>, changed: readonly ChangedAlert[], lastAlertGranularity: number): Promise<void> {
  const deltas = new Map<string, IncidentDelta>();
  for (const row of changed) {
    const delta = deltas.get(row.incidentId) ?? { services: new Set(), severity: row.severity, lastAlertAt: row.startsAt, covered: true };
    if (row.service !== null) delta.services.add(row.service);
    if (compareSeverity(normalizeSeverity(row.severity), normalizeSeverity(delta.severity)) < 0) delta.severity = row.severity;
    if (row.startsAt > delta.lastAlertAt) delta.lastAlertAt = row.startsAt;
    delta.covered &&= row.incident !== undefined && covers(row.incident, row, lastAlertGranularity);
    deltas.set(row.incidentId, delta);
  }
  for (const id of [...deltas.keys()].sort()) {
    const delta = deltas.get(id)!;
    // Services, severity and latest start only grow: what the write saw covering it, the row covers now (a round
    // trip saved for most of a storm's batches).
    if (delta.covered) continue;
    const services = [...delta.services];
    const rank = (value: unknown) => sql`array_position(ARRAY['critical', 'high', 'warning', 'info'], ${value})`;
    // A known severity rises above the incident's, or replaces one that is not known.
    const rises = sql`coalesce(${rank(sql`${delta.severity}::text`)} < ${rank(sql.ref('severity'))}, ${rank(sql`${delta.severity}::text`)} IS NOT NULL)`;
    await sql`${prepared('apply-incident-changes')}
      UPDATE incidents SET
        services = CASE WHEN services @> ${services}::text[] THEN services
          ELSE (SELECT array_agg(DISTINCT service ORDER BY service) FROM unnest(services || ${services}::text[]) AS service) END,
        severity = CASE WHEN ${rises} THEN ${delta.severity}::text ELSE severity END,
        last_alert_at = greatest(last_alert_at, ${delta.lastAlertAt}::timestamptz),
        updated_at = now()
      WHERE id = ${id}::uuid AND (
        NOT services @> ${services}::text[]
        OR ${rises}
        OR last_alert_at < ${delta.lastAlertAt}::timestamptz - ${lastAlertGranularity} * interval '1 millisecond')`.execute(trx);
  }
}

/** Whether the incident as seen already holds the alert's service, a severity at least as bad, and its start. */
function covers(incident: NonNullable<ChangedAlert['incident']>, row: ChangedAlert, lastAlertGranularity: number): boolean {
  const rank = (severity: string) => {
    const at = ['critical', 'high', 'warning', 'info'].indexOf(severity);
    return at < 0 ? null : at;
  };
  const mine = rank(row.severity);
  const theirs = rank(incident.severity);
  const rises = mine !== null && (theirs === null || mine < theirs);
  return incident.serviceKnown && !rises && incident.lastAlertAt.getTime() >= row.startsAt.getTime() - lastAlertGranularity;
}
