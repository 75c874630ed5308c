import { sql, type Kysely } from 'kysely';
import { normalizeSeverity } from '../alerts/normalize-severity.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { IncidentFacts } from './choose-policy.ts';

/** What a policy is chosen by, for each incident: its severity and the `team` and `namespace` labels of its alerts. */
export async function incidentFacts(db: Kysely<DatabaseSchema>, incidents: readonly { id: string; severity: string }[]): Promise<Map<string, IncidentFacts>> {
  const facts = new Map<string, IncidentFacts & { teams: string[]; namespaces: string[] }>(
    incidents.map((incident) => [incident.id, { severity: normalizeSeverity(incident.severity), teams: [], namespaces: [] }]),
  );
  if (incidents.length === 0) return facts;
  const { rows } = await sql<{ incident_id: string; team: string | null; namespace: string | null }>`
    SELECT DISTINCT incident_id, labels->>'team' AS team, labels->>'namespace' AS namespace FROM alerts
    WHERE incident_id = ANY(${incidents.map((incident) => incident.id)}::uuid[])`.execute(db);
  for (const row of rows) {
    const entry = facts.get(row.incident_id)!;
    if (row.team !== null && !entry.teams.includes(row.team)) entry.teams.push(row.team);
    if (row.namespace !== null && !entry.namespaces.includes(row.namespace)) entry.namespaces.push(row.namespace);
  }
  return facts;
}
