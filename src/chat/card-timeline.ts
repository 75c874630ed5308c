import type { IncidentCard } from '../cards/incident-card.ts';

/** One line of an incident's timeline, posted once as a reply in the card's thread. */
export interface TimelineLine {
  /** Stable key: a line whose key was posted is never posted again. */
  key: string;
  /** Raw text (names, actions and outcomes may come from config, alerts or a model): adapters escape it. */
  text: string;
}

const closedStates = new Set(['SUCCEEDED', 'FAILED', 'VOIDED', 'EXPIRED', 'REJECTED', 'SUPERSEDED']);

/**
 * What happened to an incident so far, oldest first, as the card shows it: the proposal, who signed or
 * rejected it, what ran and how it ended, and the incident's resolution. The card itself always shows the
 * current state; these lines keep the history in the thread.
 */
export function cardTimeline(card: IncidentCard): TimelineLine[] {
  const lines: TimelineLine[] = [];
  const proposal = card.proposal;
  if (proposal !== null) {
    lines.push({
      key: `proposal:${proposal.id}`,
      text: `Proposed: ${proposal.description} (risk ${proposal.risk}; signatures needed: ${proposal.requiredSignatures}, ${proposal.signersText}).`,
    });
    for (const signature of proposal.signatures) {
      const roles = signature.roles.length > 0 ? ` (${signature.roles.join(', ')})` : '';
      const verb = signature.decision === 'approve' ? 'approved' : 'rejected';
      lines.push({
        key: `signature:${proposal.id}:${signature.personId}:${signature.decision}`,
        text: `${signature.personName}${roles} ${verb} via ${signature.platform} at ${signature.at}.`,
      });
    }
    if (proposal.state === 'EXECUTING') lines.push({ key: `executing:${proposal.id}`, text: `Running: ${proposal.description}.` });
    if (closedStates.has(proposal.state)) {
      lines.push({ key: `outcome:${proposal.id}:${proposal.state}`, text: `${proposal.state}: ${proposal.outcome ?? proposal.description}.` });
    }
  }
  const paging = card.paging;
  if (paging !== null && paging !== undefined) {
    if ((paging.round ?? 0) > 0) {
      // Listed before the pages, so that in the thread it comes before the new round's pages it explains.
      lines.push({
        key: `policy:${paging.escalationId}:${paging.round}`,
        text: `Severity rose to ${paging.severity ?? 'unknown'}: escalation policy ${paging.policy} applies now.`,
      });
    }
    for (const page of paging.pages.filter((entry) => entry.state === 'sent' || entry.state === 'failed')) {
      const outcome = page.state === 'sent' ? 'paged' : `could not be paged (${page.error ?? 'unknown'})`;
      lines.push({ key: `page:${page.id}:${page.state}`, text: `Step ${page.step}: ${page.personName} ${outcome} via ${page.channel} at ${page.at}.` });
    }
    if (paging.acknowledged !== null) {
      lines.push({
        key: `acknowledged:${paging.escalationId}`,
        text: `${paging.acknowledged.by} acknowledged via ${paging.acknowledged.via} at ${paging.acknowledged.at}; the escalation stopped.`,
      });
    }
    if (paging.state === 'suppressed') lines.push({ key: `suppressed:${paging.escalationId}`, text: `Not paged: ${paging.note ?? 'suppressed'}.` });
  }
  for (const number of card.absorbed) lines.push({ key: `absorbed:${number}`, text: `Incident #${number} merged into this one: an alert connected them.` });
  if (card.mergedInto !== null) lines.push({ key: 'merged', text: `Merged into incident #${card.mergedInto.number}; it goes on there.` });
  if (card.status === 'resolved') lines.push({ key: 'resolved', text: 'The incident is resolved.' });
  return lines;
}
