import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../adapters/webconsole/demo-people.ts';
import type { PersonConfig } from '../../../src/config/config-schema.ts';
import { hashPassword } from '../../../src/domain/password-hash.ts';
import { launchChromium } from '../../support/launch-chromium.ts';
import { consoleHarness, hostileTitle, sampleCard, type ConsoleHarness } from './console-fixtures.ts';
import { fakeApprovalCore } from './fake-approval-core.ts';

/** A page that fails the test on any alert/dialog (XSS) or CSP violation. */
async function openConsole(browser: Browser, url: string, problems: string[]): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(url);
  return page;
}

describe('web console in headless Chromium (fake approval core)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('shows a hostile card live as plain text, and two people approve it to SUCCEEDED without reload', async () => {
    const problems: string[] = [];
    let harness: ConsoleHarness | undefined;
    let core: ReturnType<typeof fakeApprovalCore> | undefined;
    harness = await consoleHarness({
      people: demoPeople,
      demoMode: true,
      listCards: () => core!.listCards(),
      handleClick: (click) => core!.handleClick(click),
    });
    core = fakeApprovalCore(harness.events);
    const url = await harness.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const alice = await openConsole(browser, url, problems);
      await expect.poll(() => alice.locator('#demo-banner').textContent()).toContain('DEMO');
      await alice.getByRole('button', { name: /Alice/ }).click();
      await expect.poll(() => alice.locator('#auth').textContent()).toContain('Signed in as Alice');
      await expect.poll(() => alice.locator('#connection').getAttribute('data-state')).toBe('live');
      expect(await alice.locator('article.card').count()).toBe(0);

      await core.add(sampleCard({ title: hostileTitle }));
      const card = alice.locator('article.card');
      await expect.poll(() => card.locator('h2').textContent()).toBe(hostileTitle);
      expect(await alice.locator('#cards img, #cards script, #cards svg').count()).toBe(0);
      expect(await card.locator('.runbooks a').count()).toBe(1);
      expect(await card.locator('.runbooks a').getAttribute('rel')).toBe('noopener noreferrer');
      expect(await card.locator('.runbooks a').getAttribute('href')).toMatch(/^https:/);
      expect(await card.textContent()).toContain('$52.10/month');

      await card.getByRole('button', { name: 'Approve' }).click();
      await expect.poll(() => card.locator('.click-result').textContent()).toContain('Still missing: 1 more signature');
      await expect.poll(() => card.locator('[data-testid=signatures]').textContent()).toContain('approved by Alice (sre)');
      expect(await card.getByRole('button', { name: 'You approved ✓' }).isDisabled()).toBe(true);
      await mkdir('test-results', { recursive: true });
      await alice.screenshot({ path: 'test-results/web-console-adapter-pending.png', fullPage: true });

      const bob = await openConsole(browser, url, problems);
      await bob.getByRole('button', { name: /Bob/ }).click();
      const bobCard = bob.locator('article.card');
      await expect.poll(() => bobCard.locator('[data-testid=signatures]').textContent()).toContain('Alice');
      expect(await bobCard.locator('.click-result').count()).toBe(0); // Alice's answer is hers alone
      await bobCard.getByRole('button', { name: 'Approve' }).click();
      await expect.poll(() => bobCard.locator('[data-testid=outcome]').textContent()).toContain('SUCCEEDED');
      // Alice's page follows live, and the buttons are gone now that nothing is pending.
      await expect.poll(() => card.locator('[data-testid=outcome]').textContent()).toContain('SUCCEEDED');
      expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);

      await alice.screenshot({ path: 'test-results/web-console-adapter.png', fullPage: true });
      await alice.getByTestId('sign-out').click();
      await expect.poll(() => alice.locator('#auth').textContent()).toContain('Sign in as');
      expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it('with real people: no cards before sign-in, a wrong password is refused, the right one shows the cards', async () => {
    const problems: string[] = [];
    const password = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    const people: PersonConfig[] = [{ id: 'erin', name: 'Erin', roles: ['sre'], accounts: {}, password }];
    const harness = await consoleHarness({ people, demoMode: false });
    const url = await harness.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const page = await openConsole(browser, url, problems);
      await expect.poll(() => page.locator('#notice').textContent()).toContain('Sign in to see incidents');
      expect(await page.locator('#demo-banner').count()).toBe(0);
      await page.getByLabel('person id').fill('erin');
      await page.getByLabel('password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#notice').textContent()).toContain('Unknown person or wrong password');
      expect(await page.locator('article.card').count()).toBe(0);
      await page.getByLabel('password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('article.card').count()).toBe(1);
      expect(await page.locator('#auth').textContent()).toContain('Signed in as Erin');
      expect(problems).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});
