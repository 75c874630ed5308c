import type { CardPaging } from './incident-card.ts';

/**
 * The paging part of a card as plain lines (raw text: each renderer escapes them): who was paged through what
 * and when, who acknowledged, what comes next. Empty when nobody was paged.
 */
export function cardPagingLines(paging: CardPaging | null | undefined): string[] {
  if (paging === null || paging === undefined) return [];
  if (paging.state === 'suppressed') return [`Paging: not paged (${paging.note ?? 'suppressed'})`];
  const lines = [`Paging (${paging.policy}): ${stateText(paging)}`];
  for (const page of paging.pages) {
    const outcome =
      page.state === 'sent'
        ? 'sent'
        : page.state === 'failed'
          ? `FAILED (${page.error ?? 'unknown'})`
          : page.state === 'cancelled'
            ? 'not sent (stopped first)'
            : 'sending';
    lines.push(`step ${page.step}: ${page.personName} via ${page.channel}, ${outcome} at ${page.at}`);
  }
  if (paging.note !== null) lines.push(`note: ${paging.note}`);
  return lines;
}

function stateText(paging: CardPaging): string {
  if (paging.acknowledged !== null) return `acknowledged by ${paging.acknowledged.by} via ${paging.acknowledged.via} at ${paging.acknowledged.at}`;
  if (paging.state === 'resolved') return 'ended: the incident closed';
  return paging.nextStepAt === null ? 'every step paged, waiting for an acknowledgement' : `waiting for an acknowledgement; next step at ${paging.nextStepAt}`;
}
