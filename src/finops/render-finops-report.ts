import { type FinOpsReport, type Recommendation, targetName } from './finops-report.ts';
import { formatMoney } from './pricing.ts';

const kindWords: Record<Recommendation['kind'], string> = {
  orphaned_claim: 'orphaned claim',
  released_volume: 'released volume',
  zombie_workload: 'zombie',
  overprovisioned_workload: 'over-provisioned',
  overprovisioned_node: 'node',
};

/** A platform-neutral report card: a title, a few lines of totals, the top recommendations. */
export interface FinOpsCard {
  title: string;
  totals: string[];
  lines: string[];
  footer: string;
}

/** The card of a scan: the money first (realizable, then freed), then the `top` recommendations with their risk. */
export function finopsCard(report: FinOpsReport, top = 5): FinOpsCard {
  const money = (amount: number) => formatMoney(amount, report.currency);
  const simulated = report.simulated ? ' [simulated]' : '';
  const lines = report.recommendations.slice(0, top).map((recommendation, index) => {
    const action = recommendation.planned === null ? 'no catalog action' : `proposes ${recommendation.planned.action} (${recommendation.risk} risk)`;
    const saving = recommendation.saving === 'overlap' ? 'counted under its workloads' : recommendation.saving;
    return `${index + 1}. [${recommendation.id}] ${kindWords[recommendation.kind]} ${targetName(recommendation.target)}: ${money(recommendation.monthly)}/month, ${money(recommendation.annual)}/year (${saving}); ${action}\n   ${recommendation.summary}${recommendation.advice === null ? '' : `\n   → ${recommendation.advice}`}`;
  });
  const more = report.recommendations.length > top ? [`… and ${report.recommendations.length - top} more (awoooi finops scan lists them all)`] : [];
  return {
    title: `FinOps: what ${report.cluster} wastes${simulated}`,
    totals: [
      `Realizable now: ${money(report.totals.realizable.monthly)}/month, ${money(report.totals.realizable.annual)}/year`,
      `Freed capacity (money once the nodes scale down): ${money(report.totals.freed.monthly)}/month, ${money(report.totals.freed.annual)}/year`,
    ],
    lines: lines.length === 0 ? ['No waste found above the threshold.'] : [...lines, ...more],
    footer: [`usage: ${report.usage}; costs: ${report.costs}; at ${report.at}`, ...report.notes.map((note) => `note: ${note}`)].join('\n'),
  };
}

/** Plain text of the card (CLI, chat answers); adapters escape it for their platform. */
export function renderFinOpsText(card: FinOpsCard, proposeHint = true): string {
  const hint = proposeHint ? ['Turn one into a proposal (normal approval): /awoooi finops propose <id>'] : [];
  return [card.title, ...card.totals, '', ...card.lines, '', card.footer, ...hint].join('\n');
}
