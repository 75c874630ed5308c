import { sql, type Transaction } from 'kysely';
import type { OpenIncidentSummary } from '../incidents/correlate-alerts.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { prepared } from '../storage/prepared-statement.ts';
import { type LatestOccurrence, latestOccurrences, type OccurrenceRow, occurrencesOf, toOccurrence } from './latest-occurrences.ts';

/** Where to look for open incidents that new alerts could join: their groups, and the services around them. */
export interface IncidentsNear {
  groupKeys: readonly string[];
  services: readonly string[];
}

/** What a batch reads once it holds its keys: its alerts' newest occurrences, and the open incidents near them. */
export interface ReadUnderLocks {
  occurrences: Map<string, LatestOccurrence>;
  /** Open incidents of those groups or touching those services, oldest first; none when `near` is absent. */
  openIncidents: OpenIncidentSummary[];
}

/**
 * One statement, one round trip, for both reads of the locked part of a batch (a storm's batch with new alerts
 * made them one after the other). The open incidents are read whether or not an alert turns out to need one:
 * an index probe by group key and by service, a few rows, cheaper than the round trip it saves.
 */
export async function readUnderLocks(trx: Transaction<DatabaseSchema>, fingerprints: readonly string[], near?: IncidentsNear): Promise<ReadUnderLocks> {
  if (near === undefined) return { occurrences: await latestOccurrences(trx, [...fingerprints]), openIncidents: [] };
  const { rows } = await sql<
    Omit<OccurrenceRow, 'fingerprint'> & {
      fingerprint: string | null;
      cluster: string | null;
      group_key: string | null;
      services: string[] | null;
      opened_at: Date | null;
      last_alert_at: Date | null;
    }
  >`${prepared('read-under-locks')}
    SELECT occurrence.*, NULL::text AS cluster, NULL::text AS group_key, NULL::text[] AS services, NULL::timestamptz AS opened_at,
      NULL::timestamptz AS last_alert_at
    FROM (${occurrencesOf(fingerprints)}) AS occurrence
    UNION ALL
    -- Only the group keys and the services go to SQL, so both indexes serve it; the caller checks the window, and
    -- correlation puts them in order.
    SELECT NULL, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, cluster, group_key, services, opened_at, last_alert_at
    FROM incidents
    WHERE status = 'open' AND (group_key = ANY(${near.groupKeys}::text[]) OR services && ${near.services}::text[])`.execute(trx);
  const occurrences = new Map<string, LatestOccurrence>();
  const openIncidents: OpenIncidentSummary[] = [];
  for (const row of rows) {
    if (row.fingerprint !== null) occurrences.set(row.fingerprint, toOccurrence({ ...row, fingerprint: row.fingerprint }));
    else
      openIncidents.push({
        id: row.incident_id,
        cluster: row.cluster!,
        groupKey: row.group_key,
        services: row.services!,
        openedAt: row.opened_at!,
        lastAlertAt: row.last_alert_at!,
      });
  }
  return { occurrences, openIncidents };
}
