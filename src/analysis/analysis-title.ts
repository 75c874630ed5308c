import type { AnalysisAlert } from './analyze-incident.ts';

/**
 * The incident's title, following the current top root cause: an alert of the root cause itself when it has
 * one ("KubePodCrashLooping on orders-db (+3 more)"), else the suspected cause named before the first alert
 * ("orders-db suspected: HighLatency on checkout (+3 more)"). Null when no root cause is ranked: the title
 * given at creation stays. Counts the alerts the analysis considered (the firing alerts, or all once resolved).
 */
export function analysisTitle(alerts: readonly (AnalysisAlert & { count?: number })[], topService: string | undefined): string | null {
  if (topService === undefined) return null;
  const firing = alerts.filter((alert) => alert.status === 'firing');
  const considered = [...(firing.length > 0 ? firing : alerts)].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const first = considered[0];
  if (first === undefined) return null;
  // An entry may stand for several alerts (the analysis reads counts per service, name, status and severity).
  const total = considered.reduce((sum, alert) => sum + (alert.count ?? 1), 0);
  const more = total > 1 ? ` (+${total - 1} more)` : '';
  const own = considered.find((alert) => alert.service === topService);
  const title =
    own !== undefined ? `${own.name} on ${topService}${more}` : `${topService} suspected: ${first.name}${first.service ? ` on ${first.service}` : ''}${more}`;
  return title.slice(0, 200);
}
