import type { CreateProposalInput, CreateProposalResult } from '../approval/create-proposal.ts';
import { signersText } from '../cards/card-proposal.ts';
import type { IngestResult } from '../ingest/ingest-alerts.ts';
import type { Logger } from '../ports/logger.ts';
import { targetName } from './finops-report.ts';
import { formatMoney } from './pricing.ts';
import type { ScanResult } from './scan-waste.ts';

export interface ProposeDependencies {
  scan(): Promise<ScanResult>;
  /** The generic alert door (`ingestAlerts(…, 'generic', body)`): the recommendation becomes an incident like any alert. */
  ingest(body: unknown): Promise<IngestResult>;
  /** `createProposal` of the approval engine: dry-run, catalog risk, trust, signatures. */
  createProposal(input: CreateProposalInput): Promise<CreateProposalResult>;
  log: Logger;
}

/** The name of the alert a FinOps recommendation raises: no rule of the rule brain matches it, so it proposes nothing of its own. */
export const finopsAlertName = 'FinOpsWaste';

/**
 * `/awoooi finops propose <id>`: the recommendation (found again by a fresh scan, so it is current) becomes an
 * incident through the generic alert door and its catalog action a proposal through the normal approval, asked for
 * by `requestedBy` (four eyes: that person cannot sign it alone). Nothing runs until the signatures are in.
 */
export async function proposeRecommendation(deps: ProposeDependencies, id: string, requestedBy: string | null): Promise<string> {
  if (!/^[0-9a-f]{8}$/.test(id)) return 'Usage: /awoooi finops propose <id> (the 8-character id the FinOps card shows)';
  const scanned = await deps.scan();
  if (!scanned.ok) return `The scan failed, nothing was proposed: ${scanned.error.message}`;
  const { report } = scanned;
  const recommendation = report.recommendations.find((entry) => entry.id === id);
  if (recommendation === undefined) return `No current recommendation ${id}: the waste may be gone. Run /awoooi finops again.`;
  if (recommendation.planned === null) return `Recommendation ${id} has no catalog action: ${recommendation.advice ?? 'act on it by hand'}.`;
  const where = recommendation.target;
  const worth = `${formatMoney(recommendation.monthly, report.currency)}/month`;
  const ingested = await deps.ingest({
    name: finopsAlertName,
    severity: 'info',
    // One incident per recommendation: proposing it again adds to the same open incident.
    fingerprint: `finops-${id}`,
    labels: {
      finops: recommendation.kind,
      ...(where.namespace === undefined ? {} : { namespace: where.namespace }),
      service: where.name,
    },
    annotations: { summary: recommendation.summary, saving: `${worth} (${recommendation.saving})` },
  });
  if (!ingested.ok || ingested.incidents[0] === undefined) {
    const why = ingested.ok
      ? 'no incident was opened'
      : ingested.error.code === 'storage_unavailable'
        ? ingested.error.message
        : ingested.error.issues.join('; ');
    return `Could not open an incident for ${id}: ${why}`;
  }
  const incidentId = ingested.incidents[0];
  const created = await deps.createProposal({
    incidentId,
    planned: recommendation.planned,
    reason: `FinOps ${recommendation.kind.replaceAll('_', ' ')} of ${targetName(where)}: saves ${worth}. ${recommendation.summary}`,
    requestedBy,
    cost: { monthly: recommendation.monthly, annual: recommendation.annual, currency: report.currency, saving: recommendation.saving },
  });
  deps.log.info({ recommendation: id, incidentId, requestedBy, ok: created.ok }, 'FinOps recommendation proposed');
  if (!created.ok) return `The proposal for ${id} was not created (${created.error.code}): ${created.error.message}`;
  const { proposal } = created;
  return `Proposed ${recommendation.planned.action} of ${targetName(where)} (saves ${worth}): ${proposal.state}, risk ${proposal.risk}; signers: ${signersText(proposal.risk)}. Its card shows the dry-run and takes the signatures.`;
}
