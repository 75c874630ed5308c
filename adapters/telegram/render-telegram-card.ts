import { cardPagingLines } from '../../src/cards/card-paging-lines.ts';
import type { CardPaging, CardProposal, IncidentCard } from '../../src/cards/incident-card.ts';
import { clipHtml, escapeHtml, htmlLink } from './telegram-html.ts';

/** Telegram's limits (fixtures/README.md, Bot API): message text and callback data (BYTES). */
export const telegramLimits = { messageText: 4096, callbackDataBytes: 64, callbackAnswer: 200 } as const;

/**
 * Callback data of the card's buttons: a one-letter verb and an id looked up server-side: the proposal's (`a`
 * approve, `r` reject) or the escalation's (`k` acknowledge).
 */
export const telegramCallback = {
  encode: (decision: 'approve' | 'reject', proposalId: string) => `${decision === 'approve' ? 'a' : 'r'}:${proposalId}`,
  encodeAcknowledge: (escalationId: string) => `k:${escalationId}`,
  decode: (data: string): { decision: 'approve' | 'reject' | 'acknowledge'; proposalId: string } | undefined => {
    const match = /^([ark]):([0-9a-f-]{36})$/.exec(data);
    if (!match) return undefined;
    return { decision: match[1] === 'a' ? 'approve' : match[1] === 'r' ? 'reject' : 'acknowledge', proposalId: match[2]! };
  },
};

/** A callback button: its data is the only thing Telegram sends back on a click. */
export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface TelegramMessage {
  html: string;
  keyboard: InlineButton[][];
}

/** Escapes `text` cut to `limit` characters, noting that something was cut. */
type Clip = (text: string, limit: number) => string;

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
// Per-field bounds before escaping, so no single alert or model text crowds out the rest of the card.
const bounds = { title: 200, line: 400, list: 800, diagnosis: 1500 } as const;

/**
 * An IncidentCard as one Telegram HTML message with an inline keyboard: the same content as the web console.
 * Everything from an alert or a model is escaped; the message stays within 4096 characters by dropping whole
 * lines from the end and saying so, with a link to the card in the web console when one is known.
 */
export function renderTelegramCard(card: IncidentCard, consoleUrl?: string): TelegramMessage {
  const link = consoleUrl === undefined ? undefined : `${consoleUrl.replace(/\/$/, '')}/#incident-${encodeURIComponent(card.incidentId)}`;
  let clipped = false;
  const clip: Clip = (text, limit) => {
    clipped ||= text.length > limit;
    return clipHtml(text, limit);
  };
  const lines = [
    `<b>#${card.number} ${clip(card.title, bounds.title)}</b>`,
    `<b>${card.severity.toUpperCase()}</b> · ${card.status.toUpperCase()} · opened ${escapeHtml(card.openedAt)}`,
    `services: ${clip(card.services.join(', ') || '(none mapped)', bounds.list)}`,
    '',
    ...rootCauseLines(card, clip),
    '',
    `<b>Blast radius</b>: ${clip(card.blastRadius.map((entry) => `${entry.service} (${entry.depth} ${entry.depth === 1 ? 'hop' : 'hops'})`).join(', ') || 'nothing depends on the failing services', bounds.list)}`,
    `<b>Cost at stake</b>: ${card.cost === null ? 'unknown' : `${money.format(card.cost.monthlyAtStake)}/month — ${clip(card.cost.text, bounds.line)}`}`,
    ...(card.cost?.actionDelta ? [`Proposal: ${clip(card.cost.actionDelta, bounds.line)}`] : []),
    ...(!card.cluster
      ? []
      : [`<b>Cluster</b>: ${escapeHtml(card.cluster.name)}${card.cluster.note === null ? '' : ` — ${clip(card.cluster.note, bounds.line)}`}`]),
    ...(card.mergedInto === null
      ? []
      : [
          `<b>Merged into ${link === undefined ? `#${card.mergedInto.number}` : htmlLink(`${consoleUrl!.replace(/\/$/, '')}/#incident-${encodeURIComponent(card.mergedInto.incidentId)}`, `#${card.mergedInto.number}`)}</b>: an alert connected the two; it goes on there.`,
        ]),
    ...(card.absorbed.length === 0 ? [] : [`<b>Merged into this one</b>: ${card.absorbed.map((number) => `#${number}`).join(', ')}`]),
    ...(card.flapped === null ? [] : [`<b>Flapping</b>: reopened ${card.flapped.count} time(s), last at ${escapeHtml(card.flapped.lastAt)}`]),
    ...(card.history === null ? [] : [`<b>Seen before</b>: ${clip(card.history.text, bounds.line)}`]),
    card.diagnosis === null
      ? '<b>Diagnosis</b>: <i>pending</i>'
      : `<b>Diagnosis</b> (${clip(card.diagnosis.by ?? (card.diagnosis.source === 'llm' ? 'model' : 'rules'), bounds.title)}): ${clip(card.diagnosis.text, bounds.diagnosis)}`,
    '',
    ...(card.proposal === null ? ['<b>Proposal</b>: none'] : proposalLines(card.proposal, clip)),
    ...(card.runbooks.length > 0 ? [`<b>Runbooks</b>: ${card.runbooks.map((url, index) => htmlLink(url, `runbook ${index + 1}`)).join(', ')}`] : []),
    ...cardPagingLines(card.paging).map((line, index) => (index === 0 ? `<b>${clip(line, bounds.line)}</b>` : `• ${clip(line, bounds.line)}`)),
  ];
  const footer = `Updated ${escapeHtml(card.updatedAt)}${link === undefined ? '' : ` · ${htmlLink(link, 'open in the web console')}`}`;
  const more = `… <i>(truncated: ${link === undefined ? 'the full card is in the web console' : htmlLink(link, 'full card in the web console')})</i>`;
  return { html: fitLines(lines, footer, more, telegramLimits.messageText, clipped), keyboard: keyboard(card.proposal, card.paging) };
}

/** A timeline line or an answer, escaped and within the message limit. */
export function renderTelegramText(text: string): string {
  return clipHtml(text, telegramLimits.messageText - 10);
}

/** Whole lines, in order, as many as fit with the footer; a cut (or a field `clipped` before) is said with `more`. */
function fitLines(lines: string[], footer: string, more: string, limit: number, clipped: boolean): string {
  const whole = [...lines, '', footer].join('\n');
  if (whole.length + (clipped ? more.length + 1 : 0) <= limit) return clipped ? [...lines, more, footer].join('\n') : whole;
  const kept: string[] = [];
  let length = more.length + footer.length + 2;
  for (const line of lines) {
    if (length + line.length + 1 > limit) break;
    kept.push(line);
    length += line.length + 1;
  }
  return [...kept, more, footer].join('\n');
}

function rootCauseLines(card: IncidentCard, clip: Clip): string[] {
  const lines = ['<b>Likely root cause</b>'];
  if (card.analysis.state === 'failed') lines.push(`⚠️ analysis failed: ${clip(card.analysis.failure ?? 'unknown reason', bounds.line)}`);
  const [best, ...others] = card.rootCauses;
  if (best === undefined) {
    if (card.analysis.state === 'pending') lines.push('<i>analysing…</i>');
    else {
      const unmapped = card.analysis.unmappedAlerts.length > 0 ? ` (${clip(card.analysis.unmappedAlerts.join(', '), bounds.list)})` : '';
      lines.push(`unknown: no alert names a service of the topology${unmapped}`);
    }
    return lines;
  }
  lines.push(`<b>${clip(best.service, bounds.title)}</b> (${escapeHtml(best.kind)}, ${best.alerting ? 'alerting' : 'silent'}, score ${best.score.toFixed(2)})`);
  for (const evidence of best.evidence) lines.push(`• ${clip(evidence, bounds.line)}`);
  if (others.length > 0) lines.push(`Other candidates: ${clip(others.map((other) => `${other.service} (${other.score.toFixed(2)})`).join(', '), bounds.list)}`);
  return lines;
}

function proposalLines(proposal: CardProposal, clip: Clip): string[] {
  const lowered = proposal.risk === proposal.baseRisk ? '' : ` (catalog: ${proposal.baseRisk})`;
  const lines = [
    `<b>Proposal</b> · <code>${proposal.state}</code>`,
    `<b>${clip(proposal.description, bounds.line)}</b>`,
    `Reason: ${clip(proposal.reason, bounds.line)}`,
    `Risk: <b>${proposal.risk}</b>${lowered}${proposal.riskReason ? ` · ${clip(proposal.riskReason, bounds.line)}` : ''}`,
    `Required signatures: ${proposal.requiredSignatures} (${escapeHtml(proposal.signersText)})`,
    `Dry-run: ${proposal.dryRun.ok ? 'passed' : '<b>FAILED</b>'}`,
  ];
  for (const finding of proposal.dryRun.findings.filter((entry) => !entry.ok || entry.warning)) {
    lines.push(`  ${finding.ok ? '⚠️' : '❌'} ${escapeHtml(finding.check)}: ${clip(finding.message, bounds.line)}`);
  }
  lines.push(`<b>Signatures so far</b>${proposal.signatures.length === 0 ? ': none' : ''}`);
  for (const signature of proposal.signatures) {
    const roles = signature.roles.length > 0 ? ` (${signature.roles.join(', ')})` : '';
    lines.push(
      `${signature.decision === 'approve' ? '✅ approved' : '❌ rejected'} by ${clip(signature.personName, bounds.title)}${roles} via ${escapeHtml(signature.platform)} at ${escapeHtml(signature.at)}`,
    );
  }
  if (proposal.missing) lines.push(`<b>Missing:</b> ${clip(proposal.missing, bounds.line)}`);
  if (proposal.state === 'PENDING' || proposal.state === 'APPROVED') lines.push(`Expires ${escapeHtml(proposal.expiresAt)}`);
  if (proposal.outcome !== null || !['PENDING', 'APPROVED', 'EXECUTING'].includes(proposal.state)) {
    lines.push(`<b>Outcome:</b> <code>${proposal.state}</code>${proposal.outcome ? ` — ${clip(proposal.outcome, bounds.line)}` : ''}`);
  }
  return lines;
}

function keyboard(proposal: CardProposal | null, paging: CardPaging | null | undefined): InlineButton[][] {
  const rows: InlineButton[][] = [];
  if (proposal !== null && proposal.state === 'PENDING') {
    rows.push([
      { text: '✅ Approve', callback_data: telegramCallback.encode('approve', proposal.id) },
      { text: '✖️ Reject', callback_data: telegramCallback.encode('reject', proposal.id) },
    ]);
  }
  if (paging?.state === 'active') rows.push([{ text: '✋ Acknowledge', callback_data: telegramCallback.encodeAcknowledge(paging.escalationId) }]);
  return rows;
}
