import type { IngestResult } from '../ingest/ingest-alerts.ts';
import type { Logger } from '../ports/logger.ts';

/** The name of the alert `/awoooi diagnose` raises for a service nothing alerts on. */
export const diagnosisAlertName = 'DiagnosisRequested';

export interface DiagnosisRequestDependencies {
  /** The generic alert door (`ingestAlerts(…, 'generic', body)`). */
  ingest(body: unknown): Promise<IngestResult>;
  log: Logger;
}

/**
 * `/awoooi diagnose <service>` for a service with no open incident: an incident opened on request, through the
 * generic alert door like any alert, so the whole loop runs for it — analysis (root cause, blast radius), cost,
 * the brain's diagnosis and proposal — and its card, with the buttons to sign, goes to the incidents channel.
 * Asked again while it is open, it is the same incident (one fingerprint per service). Answers in words.
 */
export async function requestDiagnosis(deps: DiagnosisRequestDependencies, service: string, requestedBy: string): Promise<string> {
  const ingested = await deps.ingest({
    name: diagnosisAlertName,
    severity: 'info',
    fingerprint: `diagnose-${service}`,
    labels: { service, requested_by: requestedBy },
    annotations: { summary: `Diagnosis of ${service} requested by ${requestedBy} in chat` },
  });
  if (!ingested.ok || ingested.incidents[0] === undefined) {
    const why = ingested.ok
      ? 'no incident was opened'
      : ingested.error.code === 'storage_unavailable'
        ? ingested.error.message
        : ingested.error.issues.join('; ');
    return `Could not open a diagnosis of ${service}: ${why}`;
  }
  deps.log.info({ service, requestedBy, incidentId: ingested.incidents[0] }, 'diagnosis requested in chat');
  return `Opened an incident to diagnose ${service}: its card in the incidents channel shows the root cause, blast radius, cost and diagnosis, and any proposal to sign there.`;
}
