import { cardPagingLines } from '../../src/cards/card-paging-lines.ts';
import type { CardPaging, CardProposal, IncidentCard } from '../../src/cards/incident-card.ts';
import { clipDiscord, discordLink, escapeDiscord } from './discord-text.ts';

/** Discord's limits (fixtures/README.md, Discord API docs: embed limits, component limits). */
export const discordLimits = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  embedTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
} as const;

/**
 * The custom_id of the card's buttons: a verb and an id (45 characters of 100), looked up server-side: the
 * proposal's (`a` approve, `r` reject) or the escalation's (`k` acknowledge a page, ADR 0026).
 */
export const discordCustomId = {
  encode: (decision: 'approve' | 'reject', proposalId: string) => `awoooi:${decision === 'approve' ? 'a' : 'r'}:${proposalId}`,
  encodeAcknowledge: (escalationId: string) => `awoooi:k:${escalationId}`,
  decode: (customId: string): { decision: 'approve' | 'reject' | 'acknowledge'; proposalId: string } | undefined => {
    const match = /^awoooi:([ark]):([0-9a-f-]{36})$/.exec(customId);
    if (!match) return undefined;
    return { decision: match[1] === 'a' ? 'approve' : match[1] === 'r' ? 'reject' : 'acknowledge', proposalId: match[2]! };
  },
};

export interface DiscordEmbed {
  title: string;
  description: string;
  url?: string;
  color: number;
  fields: { name: string; value: string; inline?: boolean }[];
  footer: { text: string };
}

export type DiscordButton = { type: 2; style: 1 | 3 | 4; label: string; custom_id: string } | { type: 2; style: 5; label: string; url: string };

/** A message body as the API takes it: never pings anyone, whatever the text says. */
export interface DiscordMessage {
  content: string;
  embeds: DiscordEmbed[];
  components: { type: 1; components: DiscordButton[] }[];
  allowed_mentions: { parse: [] };
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const colours = { critical: 0xd83c3e, warning: 0xf0b232, info: 0x5865f2 } as Record<string, number>;
// Per-part bounds (escaped), so that no alert or model text crowds out the rest of the card.
const bounds = { line: 400, list: 700, diagnosis: 1500 } as const;

/**
 * An IncidentCard as one Discord message: one embed (title, the analysis in the description, the proposal and its
 * signatures as fields) and a row of Approve / Reject buttons while the proposal waits. The same content as the web
 * console; everything from an alert or a model escaped; every limit kept, a cut said so with a link to the card in
 * the web console when one is known.
 */
export function renderDiscordCard(card: IncidentCard, consoleUrl?: string): DiscordMessage {
  const link = consoleUrl === undefined ? undefined : `${consoleUrl.replace(/\/$/, '')}/#incident-${encodeURIComponent(card.incidentId)}`;
  let clipped = false;
  const clip = (text: string, limit: number) => {
    const out = clipDiscord(text, limit);
    clipped ||= out.length < escapeDiscord(text).length;
    return out;
  };
  const lines = [
    ...rootCauseLines(card, clip),
    '',
    `**Blast radius**: ${clip(card.blastRadius.map((entry) => `${entry.service} (${entry.depth} ${entry.depth === 1 ? 'hop' : 'hops'})`).join(', ') || 'nothing depends on the failing services', bounds.list)}`,
    `**Cost at stake**: ${card.cost === null ? 'unknown' : `${money.format(card.cost.monthlyAtStake)}/month — ${clip(card.cost.text, bounds.line)}`}`,
    ...(card.cost?.actionDelta ? [`Proposal: ${clip(card.cost.actionDelta, bounds.line)}`] : []),
    ...(!card.cluster
      ? []
      : [`**Cluster**: ${escapeDiscord(card.cluster.name)}${card.cluster.note === null ? '' : ` — ${clip(card.cluster.note, bounds.line)}`}`]),
    ...(card.mergedInto === null
      ? []
      : [
          `**Merged into ${link === undefined ? `#${card.mergedInto.number}` : discordLink(`${consoleUrl!.replace(/\/$/, '')}/#incident-${encodeURIComponent(card.mergedInto.incidentId)}`, `#${card.mergedInto.number}`)}**: an alert connected the two; it goes on there.`,
        ]),
    ...(card.absorbed.length === 0 ? [] : [`**Merged into this one**: ${card.absorbed.map((number) => `#${number}`).join(', ')}`]),
    ...(card.flapped === null ? [] : [`**Flapping**: reopened ${card.flapped.count} time(s), last at ${escapeDiscord(card.flapped.lastAt)}`]),
    ...(card.history === null ? [] : [`**Seen before**: ${clip(card.history.text, bounds.line)}`]),
    card.diagnosis === null
      ? '**Diagnosis**: *pending*'
      : `**Diagnosis** (${clip(card.diagnosis.by ?? (card.diagnosis.source === 'llm' ? 'model' : 'rules'), 100)}): ${clip(card.diagnosis.text, bounds.diagnosis)}`,
    ...(card.runbooks.length > 0 ? [`**Runbooks**: ${card.runbooks.map((url, index) => discordLink(url, `runbook ${index + 1}`)).join(', ')}`] : []),
  ];
  const fields = [
    { name: 'Severity', value: card.severity.toUpperCase(), inline: true },
    { name: 'Status', value: card.status.toUpperCase(), inline: true },
    { name: 'Services', value: clip(card.services.join(', ') || '(none mapped)', discordLimits.fieldValue), inline: true },
    ...(card.proposal === null ? [{ name: 'Proposal', value: 'none' }] : proposalFields(card.proposal, clip)),
    ...pagingFields(card, clip),
  ].slice(0, discordLimits.fields);
  const more = `… *(truncated: ${link === undefined ? 'the full card is in the web console' : discordLink(link, 'full card in the web console')})*`;
  // Our own prefix stays as it is ("#3" is no heading); only the alert's title is escaped.
  const prefix = `#${card.number} `;
  const embed: DiscordEmbed = {
    title: `${prefix}${clip(card.title, discordLimits.embedTitle - prefix.length)}`,
    description: '',
    color: colours[card.severity] ?? 0x99aab5,
    fields,
    footer: { text: `Opened ${card.openedAt} · updated ${card.updatedAt}` },
    ...(link === undefined ? {} : { url: link }),
  };
  const others = embed.title.length + embed.footer.text.length + fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const room = Math.min(discordLimits.embedDescription, discordLimits.embedTotal - others);
  embed.description = fitLines(lines, more, room, clipped);
  return {
    content: `${prefix}${card.severity.toUpperCase()}: ${clip(card.title, 200)}`,
    embeds: [embed],
    components: buttons(card.proposal, link, card.paging),
    allowed_mentions: { parse: [] },
  };
}

/** A timeline line or an answer as message content: escaped, within 2000 characters. */
export function renderDiscordText(text: string): string {
  return clipDiscord(text, discordLimits.content);
}

/** Whole lines, in order, as many as fit in `limit` with `more` when anything was cut. */
function fitLines(lines: string[], more: string, limit: number, clipped: boolean): string {
  const whole = lines.join('\n');
  if (!clipped && whole.length <= limit) return whole;
  const kept: string[] = [];
  let length = more.length + 1;
  for (const line of lines) {
    if (length + line.length + 1 > limit) break;
    kept.push(line);
    length += line.length + 1;
  }
  return [...kept, more].join('\n');
}

type Clip = (text: string, limit: number) => string;

function rootCauseLines(card: IncidentCard, clip: Clip): string[] {
  const lines = ['**Likely root cause**'];
  if (card.analysis.state === 'failed') lines.push(`⚠️ analysis failed: ${clip(card.analysis.failure ?? 'unknown reason', bounds.line)}`);
  const [best, ...others] = card.rootCauses;
  if (best === undefined) {
    if (card.analysis.state === 'pending') lines.push('*analysing…*');
    else {
      const unmapped = card.analysis.unmappedAlerts.length > 0 ? ` (${clip(card.analysis.unmappedAlerts.join(', '), bounds.list)})` : '';
      lines.push(`unknown: no alert names a service of the topology${unmapped}`);
    }
    return lines;
  }
  lines.push(`**${clip(best.service, 200)}** (${escapeDiscord(best.kind)}, ${best.alerting ? 'alerting' : 'silent'}, score ${best.score.toFixed(2)})`);
  for (const evidence of best.evidence) lines.push(`• ${clip(evidence, bounds.line)}`);
  if (others.length > 0) lines.push(`Other candidates: ${clip(others.map((other) => `${other.service} (${other.score.toFixed(2)})`).join(', '), bounds.list)}`);
  return lines;
}

function proposalFields(proposal: CardProposal, clip: Clip): DiscordEmbed['fields'] {
  const value = (text: string) => clip(text, discordLimits.fieldValue);
  const lowered = proposal.risk === proposal.baseRisk ? '' : ` (catalog: ${proposal.baseRisk})`;
  const findings = proposal.dryRun.findings
    .filter((entry) => !entry.ok || entry.warning)
    .map((finding) => `${finding.ok ? '⚠️' : '❌'} ${finding.check}: ${finding.message}`);
  const signatures = proposal.signatures.map((signature) => {
    const roles = signature.roles.length > 0 ? ` (${signature.roles.join(', ')})` : '';
    return `${signature.decision === 'approve' ? '✅ approved' : '❌ rejected'} by ${signature.personName}${roles} via ${signature.platform} at ${signature.at}`;
  });
  const done = proposal.outcome !== null || !['PENDING', 'APPROVED', 'EXECUTING'].includes(proposal.state);
  return [
    { name: `Proposal · ${proposal.state}`, value: value(`${proposal.description}\nReason: ${proposal.reason}`) },
    { name: 'Risk', value: value(`${proposal.risk}${lowered}${proposal.riskReason ? ` · ${proposal.riskReason}` : ''}`), inline: true },
    { name: 'Required signatures', value: value(`${proposal.requiredSignatures} (${proposal.signersText})`), inline: true },
    { name: 'Dry-run', value: value([proposal.dryRun.ok ? 'passed' : 'FAILED', ...findings].join('\n')), inline: true },
    { name: 'Signatures so far', value: value(signatures.join('\n') || 'none') },
    ...(proposal.missing ? [{ name: 'Missing', value: value(proposal.missing) }] : []),
    ...(proposal.state === 'PENDING' || proposal.state === 'APPROVED' ? [{ name: 'Expires', value: value(proposal.expiresAt), inline: true }] : []),
    ...(done ? [{ name: 'Outcome', value: value(`${proposal.state}${proposal.outcome ? ` — ${proposal.outcome}` : ''}`) }] : []),
  ];
}

/** Who was paged, through what, and who acknowledged (ADR 0026), as one field. */
function pagingFields(card: IncidentCard, clip: (text: string, limit: number) => string): DiscordEmbed['fields'] {
  const [head, ...pages] = cardPagingLines(card.paging);
  return head === undefined
    ? []
    : [{ name: clip(head, discordLimits.fieldName), value: clip(pages.join('\n') || 'nobody paged yet', discordLimits.fieldValue) }];
}

function buttons(proposal: CardProposal | null, link: string | undefined, paging: CardPaging | null | undefined): DiscordMessage['components'] {
  const row: DiscordButton[] = [];
  if (paging?.state === 'active') row.push({ type: 2, style: 1, label: 'Acknowledge', custom_id: discordCustomId.encodeAcknowledge(paging.escalationId) });
  if (proposal?.state === 'PENDING') {
    row.push({ type: 2, style: 3, label: 'Approve', custom_id: discordCustomId.encode('approve', proposal.id) });
    row.push({ type: 2, style: 4, label: 'Reject', custom_id: discordCustomId.encode('reject', proposal.id) });
  }
  if (link !== undefined) row.push({ type: 2, style: 5, label: 'Open in the web console', url: link });
  return row.length === 0 ? [] : [{ type: 1, components: row }];
}
