import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../adapters/webconsole/demo-people.ts';
import { launchChromium } from '../../support/launch-chromium.ts';
import { consoleHarness, sampleCard } from './console-fixtures.ts';

const id = (n: number) => `7f1c1a52-0000-4000-8000-00000000010${n}`;

describe('web console card states in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('says whether the analysis is running, found nothing to map, or failed; shows dry-run warnings as warnings; names the cluster', async () => {
    const cards = [
      sampleCard({ incidentId: id(1), number: 1, rootCauses: [], analysis: { state: 'pending', unmappedAlerts: [], failure: null } }),
      sampleCard({ incidentId: id(2), number: 2, rootCauses: [], analysis: { state: 'done', unmappedAlerts: ['Watchdog'], failure: null } }),
      sampleCard({ incidentId: id(3), number: 3, rootCauses: [], analysis: { state: 'failed', unmappedAlerts: [], failure: 'database unreachable' } }),
      sampleCard(
        { incidentId: id(4), number: 4 },
        {
          dryRun: {
            ok: true,
            findings: [
              { check: 'rbac', ok: true, message: 'may patch deployments' },
              { check: 'pdb', ok: true, warning: true, message: 'scales below api-pdb minAvailable 2' },
            ],
          },
        },
      ),
      sampleCard({ incidentId: id(5), number: 5, cluster: { name: 'prod', note: 'its alert named cluster "<img src=x onerror=alert(1)>"' } }),
    ];
    const harness = await consoleHarness({ people: demoPeople, demoMode: true, cards: () => cards });
    const url = await harness.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(url);
      const card = (n: number) => page.locator(`article.card[data-incident="${id(n)}"]`);
      await expect.poll(() => page.locator('article.card').count()).toBe(5);
      expect(await card(1).getByTestId('analysis-state').textContent()).toBe('Analysing…');
      expect(await card(2).getByTestId('analysis-state').textContent()).toBe('Unknown: no alert names a service of the topology (Watchdog).');
      expect(await card(3).locator('.analysis-failed').textContent()).toBe('Analysis failed: database unreachable');
      expect(await card(3).getByTestId('analysis-state').textContent()).toBe('Unknown: the analysis failed.');
      expect(await card(4).locator('[data-finding=warn]').textContent()).toBe('⚠ pdb: scales below api-pdb minAvailable 2');
      expect(await card(4).locator('[data-finding=ok]').textContent()).toBe('✓ rbac: may patch deployments');
      expect(await card(4).getByTestId('analysis-state').count()).toBe(0);
      // Several clusters (ADR 0032): the chip names the cluster; an unknown label's note is text, never markup.
      expect(await card(5).getByTestId('cluster').textContent()).toBe('cluster prod (unknown label)');
      expect(await card(5).getByTestId('cluster').getAttribute('title')).toBe('its alert named cluster "<img src=x onerror=alert(1)>"');
      expect(await card(5).locator('img').count()).toBe(0);
      expect(await card(1).getByTestId('cluster').count()).toBe(0);
    } finally {
      await harness.app.close();
    }
  });
});
