import type { ServiceAlert } from './correlate-alerts.ts';

/** "KubePodCrashLooping on api", "+2 more" when an incident starts with several alerts. */
export function incidentTitle(alerts: readonly ServiceAlert[]): string {
  const first = alerts[0];
  if (!first) return 'Incident';
  const where = first.service ? ` on ${first.service}` : '';
  const more = alerts.length > 1 ? ` (+${alerts.length - 1} more)` : '';
  return `${first.name}${where}${more}`.slice(0, 200);
}
