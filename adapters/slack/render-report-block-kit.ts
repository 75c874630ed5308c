import type { FinOpsCard } from '../../src/finops/render-finops-report.ts';
import { blockKitLimits, type SlackMessage } from './render-block-kit.ts';
import { escapeMrkdwn, fitMrkdwn, fitPlain } from './slack-text.ts';

/**
 * The FinOps report as Block Kit: a header (plain text, never parsed), the totals, one section per recommendation
 * (mrkdwn, escaped), the sources as context; within Slack's block and text limits.
 */
export function renderReportBlockKit(card: FinOpsCard): SlackMessage {
  const section = (text: string) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: fitMrkdwn(escapeMrkdwn(text), blockKitLimits.sectionText, '… (truncated)').text },
  });
  // Header, totals, a "more" line and the context take four of Slack's 50 blocks.
  const room = blockKitLimits.blocks - 4;
  return {
    text: fitPlain(`${card.title}: ${card.totals.join('; ')}`, blockKitLimits.fallbackText),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: fitPlain(card.title, blockKitLimits.header) } },
      section(card.totals.join('\n')),
      ...card.lines.slice(0, room).map(section),
      ...(card.lines.length > room ? [section(`… and ${card.lines.length - room} more (awoooi finops scan lists them all)`)] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: fitMrkdwn(escapeMrkdwn(card.footer), blockKitLimits.field, '…').text }] },
    ],
  };
}
