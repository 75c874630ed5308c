import { cardPagingLines } from './card-paging-lines.ts';
import type { CardProposal, IncidentCard } from './incident-card.ts';

/**
 * A card as plain text: the CLI demo's output and the fallback text of chat messages (notifications,
 * screen readers, clients that cannot show blocks). No markup, so nothing here needs escaping.
 */
export function renderCardText(card: IncidentCard): string {
  const lines = [
    `#${card.number} ${card.title}`,
    `severity ${card.severity} · ${card.status} · opened ${card.openedAt}`,
    `services: ${card.services.join(', ') || '(none mapped)'}`,
  ];

  const [best, ...others] = card.rootCauses;
  if (card.analysis.state === 'failed') lines.push(`analysis failed: ${card.analysis.failure}`);
  if (best === undefined) lines.push(noRootCause(card));
  else {
    lines.push(`root cause: ${best.service} (${best.kind}, ${best.alerting ? 'alerting' : 'silent'}, score ${best.score.toFixed(2)})`);
    for (const evidence of best.evidence) lines.push(`  - ${evidence}`);
    if (others.length > 0) lines.push(`other candidates: ${others.map((candidate) => `${candidate.service} (${candidate.score.toFixed(2)})`).join(', ')}`);
  }
  const radius = card.blastRadius.map((entry) => `${entry.service} (${entry.depth} ${entry.depth === 1 ? 'hop' : 'hops'})`);
  lines.push(`blast radius: ${radius.join(', ') || 'nothing depends on the failing services'}`);
  if (card.cost !== null) {
    lines.push(`cost: ${card.cost.text}`);
    if (card.cost.actionDelta !== null) lines.push(`  proposal: ${card.cost.actionDelta}`);
  }
  if (card.cluster) lines.push(`cluster: ${card.cluster.name}${card.cluster.note === null ? '' : ` (${card.cluster.note})`}`);
  if (card.mergedInto !== null) lines.push(`merged into #${card.mergedInto.number}: an alert connected the two; follow that incident`);
  if (card.absorbed.length > 0) lines.push(`merged into this one: ${card.absorbed.map((number) => `#${number}`).join(', ')}`);
  if (card.flapped !== null) lines.push(`flapped: ${card.flapped.count} time(s), last at ${card.flapped.lastAt}`);
  if (card.history !== null) lines.push(`history: ${card.history.text}`);
  lines.push(card.diagnosis === null ? 'diagnosis: pending' : `diagnosis (${card.diagnosis.by ?? card.diagnosis.source}): ${card.diagnosis.text}`);
  lines.push(...(card.proposal === null ? ['proposal: none'] : proposalLines(card.proposal)));
  for (const runbook of card.runbooks) lines.push(`runbook: ${runbook}`);
  lines.push(...cardPagingLines(card.paging));
  return `${lines.join('\n')}\n`;
}

function noRootCause(card: IncidentCard): string {
  if (card.analysis.state === 'pending') return 'root cause: analysing…';
  if (card.analysis.state === 'failed' && card.analysis.unmappedAlerts.length === 0) return 'root cause: unknown (analysis failed)';
  const unmapped = card.analysis.unmappedAlerts.length > 0 ? ` (${card.analysis.unmappedAlerts.join(', ')})` : '';
  return `root cause: unknown: no alert names a service of the topology${unmapped}`;
}

function proposalLines(proposal: CardProposal): string[] {
  const lines = [`proposal: ${proposal.description} [${proposal.state}]`, `  reason: ${proposal.reason}`];
  const lowered = proposal.risk === proposal.baseRisk ? '' : ` (catalog: ${proposal.baseRisk})`;
  lines.push(`  risk: ${proposal.risk}${lowered}${proposal.riskReason ? ` · ${proposal.riskReason}` : ''}`);
  lines.push(`  required signatures: ${proposal.requiredSignatures} (${proposal.signersText})`);
  const worth = proposal.dryRun.findings.filter((finding) => !finding.ok || finding.warning);
  lines.push(`  dry-run: ${proposal.dryRun.ok ? 'passed' : 'FAILED'}`);
  for (const finding of worth) lines.push(`    ${finding.ok ? '⚠' : '✗'} ${finding.check}: ${finding.message}`);
  if (proposal.signatures.length === 0) lines.push('  signatures so far: none');
  else {
    lines.push('  signatures so far:');
    for (const signature of proposal.signatures) {
      const roles = signature.roles.length > 0 ? ` (${signature.roles.join(', ')})` : '';
      lines.push(
        `    ${signature.decision === 'approve' ? '✓ approved' : '✗ rejected'} by ${signature.personName}${roles} via ${signature.platform} at ${signature.at}`,
      );
    }
  }
  if (proposal.missing) lines.push(`  missing: ${proposal.missing}`);
  if (proposal.state === 'PENDING') lines.push(`  expires: ${proposal.expiresAt}`);
  if (proposal.outcome !== null) lines.push(`outcome: ${proposal.outcome}`);
  return lines;
}
