import { describe, expect, it } from 'vitest';
import { renderReportBlockKit } from '../../../adapters/slack/render-report-block-kit.ts';
import { renderTelegramReport } from '../../../adapters/telegram/render-telegram-report.ts';
import { finopsScanCommand } from '../../../src/cli/finops-scan-command.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { FinOpsCard } from '../../../src/finops/render-finops-report.ts';
import { collectOutput } from '../../support/collect-output.ts';

const hostile: FinOpsCard = {
  title: 'FinOps: what <!channel> wastes',
  totals: ['Realizable now: $1.00/month, $12.00/year', 'Freed capacity: $0.00/month, $0.00/year'],
  lines: [
    `1. [abcdef12] orphaned claim shop/x: <b>bold</b> @here <http://evil|click>`,
    ...Array.from({ length: 300 }, (_, index) => `${index + 2}. ${'x'.repeat(60)}`),
  ],
  footer: 'usage: none; costs: list prices',
};

describe('FinOps report on the chat platforms', () => {
  it('Block Kit: escaped, within the block and section limits', () => {
    const message = renderReportBlockKit(hostile);
    // The header is plain_text, which Slack never parses; every mrkdwn text is escaped.
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'FinOps: what <!channel> wastes' } });
    const mrkdwn = JSON.stringify(message.blocks.slice(1));
    expect(mrkdwn).not.toContain('<');
    expect(mrkdwn).toContain('&lt;http://evil|click&gt;');
    expect(mrkdwn).toContain('@\u200dhere');
    expect(message.blocks.length).toBe(50);
    expect(message.blocks.at(-2)?.text.text).toBe('… and 255 more (awoooi finops scan lists them all)');
    for (const block of message.blocks) if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('Telegram: escaped HTML, within 4096 characters, a visible cut', () => {
    const html = renderTelegramReport(hostile);
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<b>bold');
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(html).toContain('… (truncated)');
  });
});

describe('awoooi finops scan', () => {
  it('prints the report of the sandbox on embedded defaults, and JSON with --json', async () => {
    const config = configSchema.parse({});
    const text = collectOutput();
    const errors = collectOutput();
    expect(await finopsScanCommand(config, { json: false }, text.stream, errors.stream)).toBe(0);
    expect(text.text()).toMatch(/^FinOps: what sandbox \(simulated\) wastes \[simulated\]\n/);
    expect(text.text()).not.toContain('/awoooi finops propose');
    const json = collectOutput();
    expect(await finopsScanCommand(config, { json: true }, json.stream, errors.stream)).toBe(0);
    const report = JSON.parse(json.text());
    expect(report).toMatchObject({ simulated: true, currency: 'USD', totals: { realizable: { monthly: 14, annual: 168 } } });
    expect(errors.text()).toBe('');
  });

  it('reads PROMETHEUS_URL, OPENCOST_URL and the report channel from the environment, and names a bad one', () => {
    const loaded = loadConfig({
      PROMETHEUS_URL: 'http://prometheus:9090',
      OPENCOST_URL: 'http://opencost:9003',
      AWOOOI_FINOPS_REPORT_CHANNEL: 'telegram:-1001234567890',
    });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    expect(loaded.config.finops).toMatchObject({
      prometheusUrl: 'http://prometheus:9090',
      opencostUrl: 'http://opencost:9003',
      report: { channel: { platform: 'telegram', channel: '-1001234567890' }, weekday: 1, hour: 8 },
    });
    const bad = loadConfig({ AWOOOI_FINOPS_REPORT_CHANNEL: '#finops', AWOOOI_CURRENCY: 'dollars' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toEqual([
      expect.stringMatching(/^AWOOOI_CURRENCY: an ISO 4217 code/),
      expect.stringMatching(/^AWOOOI_FINOPS_REPORT_CHANNEL: slack:<channel id/),
    ]);
  });
});
