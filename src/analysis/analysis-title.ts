import type { AnalysisAlert, IncidentAnalysis } from './analyze-incident.ts';

/**
 * The incident's title, following the current top root cause: an alert of the root cause itself when it has
 * one ("KubePodCrashLooping on orders-db (+3 more)"), else the suspected cause named before the first alert
 * ("orders-db suspected: HighLatency on checkout (+3 more)"). Null when no root cause is ranked: the title
 * given at creation stays. Counts what the analysis considered (the firing alerts, or all once resolved).
 */
export function analysisTitle(alerts: readonly AnalysisAlert[], analysis: Pick<IncidentAnalysis, 'rootCauses'>): string | null {
  const top = analysis.rootCauses[0];
  if (top === undefined) return null;
  const firing = alerts.filter((alert) => alert.status === 'firing');
  const considered = [...(firing.length > 0 ? firing : alerts)].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const first = considered[0];
  if (first === undefined) return null;
  const more = considered.length > 1 ? ` (+${considered.length - 1} more)` : '';
  const own = considered.find((alert) => alert.service === top.service);
  const title =
    own !== undefined ? `${own.name} on ${top.service}${more}` : `${top.service} suspected: ${first.name}${first.service ? ` on ${first.service}` : ''}${more}`;
  return title.slice(0, 200);
}
