import type { FinOpsCard } from '../../src/finops/render-finops-report.ts';
import { blockKitLimits, type SlackMessage } from './render-block-kit.ts';
import { escapeMrkdwn, fitMrkdwn, fitPlain } from './slack-text.ts';

/** The FinOps report as Block Kit: a header, the totals, one section per recommendation, the sources as context. */
export function renderReportBlockKit(card: FinOpsCard): SlackMessage {
  const section = (text: string) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: fitMrkdwn(escapeMrkdwn(text), blockKitLimits.sectionText, '… (truncated)').text },
  });
  return {
    text: fitPlain(`${card.title}: ${card.totals.join('; ')}`, blockKitLimits.fallbackText),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: fitPlain(card.title, blockKitLimits.header) } },
      section(card.totals.join('\n')),
      ...card.lines.slice(0, blockKitLimits.blocks - 4).map(section),
      { type: 'context', elements: [{ type: 'mrkdwn', text: fitMrkdwn(escapeMrkdwn(card.footer), blockKitLimits.field, '…').text }] },
    ],
  };
}
