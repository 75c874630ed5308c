import type { FinOpsCard } from '../../src/finops/render-finops-report.ts';
import { telegramLimits } from './render-telegram-card.ts';
import { clipHtml, escapeHtml } from './telegram-html.ts';

/** The FinOps report as Telegram HTML: bold title and totals, the recommendations, the sources in italics; within 4096. */
export function renderTelegramReport(card: FinOpsCard): string {
  const footer = `<i>${clipHtml(card.footer, 600)}</i>`;
  const head = [`<b>${escapeHtml(card.title)}</b>`, ...card.totals.map((line) => `<b>${escapeHtml(line)}</b>`), ''];
  let html = head.join('\n');
  const room = telegramLimits.messageText - footer.length - 40;
  for (const line of card.lines) {
    const next = `${escapeHtml(line)}\n`;
    if (html.length + next.length > room) {
      html += '… (truncated)\n';
      break;
    }
    html += next;
  }
  return `${html}\n${footer}`;
}
