import type { CardProposal, IncidentCard } from '../../src/cards/incident-card.ts';
import { cardPagingLines } from '../../src/cards/card-paging-lines.ts';
import { renderCardText } from '../../src/cards/render-card-text.ts';
import { escapeMrkdwn, fitMrkdwn, fitPlain, mrkdwnLink } from './slack-text.ts';

/** Block Kit limits (fixtures/README.md, Slack's reference). */
export const blockKitLimits = {
  header: 150,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blocks: 50,
  contextElements: 10,
  /** The fallback `text` (notifications); Slack allows 40,000, a notification shows far less. */
  fallbackText: 3000,
} as const;

/** Action ids of the card's buttons; the value is the proposal id (or, to acknowledge, the escalation id), looked up server-side. */
export const slackActions = { approve: 'awoooi_approve', reject: 'awoooi_reject', acknowledge: 'awoooi_acknowledge' } as const;

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON, checked against the limits above by the tests
export type Block = Record<string, any>;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * An IncidentCard as a Slack message: the same content as the web console (title, severity, root cause with
 * its evidence, blast radius, cost at stake, diagnosis, the proposal with its risk, who must sign and what is
 * missing, signatures so far, outcome, runbooks) and Approve / Reject buttons while the proposal waits.
 * Everything from an alert or a model is escaped; every Block Kit limit is kept, and what had to be shortened
 * says so and links to the card in the web console (`consoleUrl`) when one is known.
 */
export function renderBlockKit(card: IncidentCard, consoleUrl?: string): SlackMessage {
  const link = consoleUrl === undefined ? undefined : `${consoleUrl.replace(/\/$/, '')}/#incident-${encodeURIComponent(card.incidentId)}`;
  const more =
    link === undefined ? '… _(truncated: the full card is in the web console)_' : `… _(truncated: ${mrkdwnLink(link, 'full card in the web console')})_`;
  let truncated = false;
  const shorten = (text: string, limit: number) => {
    const fitted = fitMrkdwn(text, limit, more);
    truncated ||= fitted.truncated;
    return fitted.text;
  };
  const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: shorten(text, blockKitLimits.sectionText) } });

  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: fitPlain(`#${card.number} ${card.title}`, blockKitLimits.header), emoji: false } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: shorten(
            `*${card.severity.toUpperCase()}* · ${card.status.toUpperCase()} · opened ${escapeMrkdwn(card.openedAt)} · services: ${escapeMrkdwn(card.services.join(', ') || '(none mapped)')}`,
            blockKitLimits.field,
          ),
        },
      ],
    },
    section(rootCauseText(card)),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: shorten(`*Blast radius*\n${blastRadiusText(card)}`, blockKitLimits.field) },
        { type: 'mrkdwn', text: shorten(`*Cost at stake*\n${costText(card)}`, blockKitLimits.field) },
      ],
    },
    section(
      card.diagnosis === null
        ? '*Diagnosis*\n_pending_'
        : `*Diagnosis* (${escapeMrkdwn(card.diagnosis.by ?? (card.diagnosis.source === 'llm' ? 'model' : 'rules'))})\n${escapeMrkdwn(card.diagnosis.text)}`,
    ),
  ];
  const past = [
    ...(!card.cluster ? [] : [`*Cluster:* ${escapeMrkdwn(card.cluster.name)}${card.cluster.note === null ? '' : ` — ${escapeMrkdwn(card.cluster.note)}`}`]),
    ...(card.mergedInto === null ? [] : [`*Merged into ${mergedLink(card.mergedInto, consoleUrl)}:* an alert connected the two; it goes on there.`]),
    ...(card.absorbed.length === 0 ? [] : [`*Merged into this one:* ${card.absorbed.map((number) => `#${number}`).join(', ')}`]),
    ...(card.flapped === null ? [] : [`*Flapping:* reopened ${card.flapped.count} time(s), last at ${escapeMrkdwn(card.flapped.lastAt)}`]),
    ...(card.history === null ? [] : [`*Seen before:* ${escapeMrkdwn(card.history.text)}`]),
  ];
  if (past.length > 0) blocks.push(section(past.join('\n')));
  if (card.proposal === null) blocks.push(section('*Proposal*\nnone'));
  else blocks.push(...proposalBlocks(card.proposal, section));
  if (card.runbooks.length > 0) {
    blocks.push(section(`*Runbooks*\n${card.runbooks.map((url) => `• ${mrkdwnLink(url, url)}`).join('\n')}`));
  }
  const paging = cardPagingLines(card.paging);
  if (paging.length > 0) blocks.push(section(paging.map((line, index) => (index === 0 ? `*${escapeMrkdwn(line)}*` : `• ${escapeMrkdwn(line)}`)).join('\n')));
  if (card.paging?.state === 'active') {
    blocks.push({
      type: 'actions',
      block_id: fitPlain(`paging:${card.paging.escalationId}`, blockKitLimits.actionId),
      elements: [{ type: 'button', action_id: slackActions.acknowledge, text: { type: 'plain_text', text: 'Acknowledge' }, value: card.paging.escalationId }],
    });
  }
  const footer = [`Updated ${escapeMrkdwn(card.updatedAt)}`];
  if (link !== undefined) footer.push(mrkdwnLink(link, 'open in the web console'));
  if (truncated) footer.push(link === undefined ? '_Some parts were shortened; the web console shows the full card._' : '_Some parts were shortened._');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: footer.join(' · ') }] });

  const fallback = fitMrkdwn(escapeMrkdwn(renderCardText(card)), blockKitLimits.fallbackText, more).text;
  return { text: fallback, blocks: blocks.slice(0, blockKitLimits.blocks) };
}

/** A timeline line for the card's thread, escaped. */
export function renderThreadReply(text: string): string {
  return fitMrkdwn(escapeMrkdwn(text), blockKitLimits.sectionText, '… _(truncated)_').text;
}

function rootCauseText(card: IncidentCard): string {
  const lines = ['*Likely root cause*'];
  if (card.analysis.state === 'failed') lines.push(`:warning: analysis failed: ${escapeMrkdwn(card.analysis.failure ?? 'unknown reason')}`);
  const [best, ...others] = card.rootCauses;
  if (best === undefined) {
    if (card.analysis.state === 'pending') lines.push('_analysing…_');
    else {
      const unmapped = card.analysis.unmappedAlerts.length > 0 ? ` (${escapeMrkdwn(card.analysis.unmappedAlerts.join(', '))})` : '';
      lines.push(`unknown: no alert names a service of the topology${unmapped}`);
    }
    return lines.join('\n');
  }
  lines.push(`*${escapeMrkdwn(best.service)}* (${escapeMrkdwn(best.kind)}, ${best.alerting ? 'alerting' : 'silent'}, score ${best.score.toFixed(2)})`);
  for (const evidence of best.evidence) lines.push(`• ${escapeMrkdwn(evidence)}`);
  if (others.length > 0) lines.push(`Other candidates: ${others.map((other) => `${escapeMrkdwn(other.service)} (${other.score.toFixed(2)})`).join(', ')}`);
  return lines.join('\n');
}

function blastRadiusText(card: IncidentCard): string {
  if (card.blastRadius.length === 0) return 'nothing depends on the failing services';
  return card.blastRadius.map((entry) => `${escapeMrkdwn(entry.service)} (${entry.depth} ${entry.depth === 1 ? 'hop' : 'hops'})`).join(', ');
}

function costText(card: IncidentCard): string {
  if (card.cost === null) return 'unknown';
  const lines = [`*${money.format(card.cost.monthlyAtStake)}*/month — ${escapeMrkdwn(card.cost.text)}`];
  if (card.cost.actionDelta !== null) lines.push(`Proposal: ${escapeMrkdwn(card.cost.actionDelta)}`);
  return lines.join('\n');
}

function proposalBlocks(proposal: CardProposal, section: (text: string) => Block): Block[] {
  const lowered = proposal.risk === proposal.baseRisk ? '' : ` (catalog: ${proposal.baseRisk})`;
  const lines = [
    `*Proposal* · \`${proposal.state}\``,
    `*${escapeMrkdwn(proposal.description)}*`,
    `Reason: ${escapeMrkdwn(proposal.reason)}`,
    `Risk: *${proposal.risk}*${lowered}${proposal.riskReason ? ` · ${escapeMrkdwn(proposal.riskReason)}` : ''}`,
    `Required signatures: ${proposal.requiredSignatures} (${escapeMrkdwn(proposal.signersText)})`,
    `Dry-run: ${proposal.dryRun.ok ? 'passed' : '*FAILED*'}`,
  ];
  for (const finding of proposal.dryRun.findings.filter((entry) => !entry.ok || entry.warning)) {
    lines.push(`  ${finding.ok ? ':warning:' : ':x:'} ${escapeMrkdwn(finding.check)}: ${escapeMrkdwn(finding.message)}`);
  }
  const signatures = [`*Signatures so far*${proposal.signatures.length === 0 ? ': none' : ''}`];
  for (const signature of proposal.signatures) {
    const roles = signature.roles.length > 0 ? ` (${signature.roles.join(', ')})` : '';
    signatures.push(
      `${signature.decision === 'approve' ? ':white_check_mark: approved' : ':x: rejected'} by ${escapeMrkdwn(signature.personName)}${roles} via ${escapeMrkdwn(signature.platform)} at ${escapeMrkdwn(signature.at)}`,
    );
  }
  if (proposal.missing) signatures.push(`*Missing:* ${escapeMrkdwn(proposal.missing)}`);
  if (proposal.state === 'PENDING' || proposal.state === 'APPROVED') signatures.push(`Expires ${escapeMrkdwn(proposal.expiresAt)}`);
  const blocks = [section(lines.join('\n')), section(signatures.join('\n'))];
  if (proposal.outcome !== null || !['PENDING', 'APPROVED', 'EXECUTING'].includes(proposal.state)) {
    blocks.push(section(`*Outcome:* \`${proposal.state}\`${proposal.outcome ? ` — ${escapeMrkdwn(proposal.outcome)}` : ''}`));
  }
  if (proposal.state === 'PENDING') {
    blocks.push({
      type: 'actions',
      block_id: fitPlain(`proposal:${proposal.id}`, blockKitLimits.actionId),
      elements: [
        { type: 'button', action_id: slackActions.approve, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: proposal.id },
        { type: 'button', action_id: slackActions.reject, text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value: proposal.id },
      ],
    });
  }
  return blocks;
}

/** "#12", linked to that card in the web console when its address is known. */
function mergedLink(survivor: { incidentId: string; number: number }, consoleUrl: string | undefined): string {
  if (consoleUrl === undefined) return `#${survivor.number}`;
  return mrkdwnLink(`${consoleUrl.replace(/\/$/, '')}/#incident-${encodeURIComponent(survivor.incidentId)}`, `#${survivor.number}`);
}
