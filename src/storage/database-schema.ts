import type { AlertTable } from '../alerts/alert.table.ts';
import type { IncidentTable } from '../incidents/incident.table.ts';

/** Every table kysely knows, one `*.table.ts` per feature. */
export interface DatabaseSchema {
  alerts: AlertTable;
  incidents: IncidentTable;
}
