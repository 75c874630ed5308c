import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { startTestBot, type TestBot } from '../support/start-test-bot.ts';

const poll = { timeout: 20_000, interval: 100 };

/**
 * The whole bot on embedded defaults (demo people), driven from headless Chromium: an Alertmanager alert
 * becomes a card live, two different people approve the HIGH restart, the card shows it SUCCEEDED.
 */
describe('web console end to end [sandbox cluster, simulated]', () => {
  let test: TestBot;
  let browser: Browser;
  const problems: string[] = [];

  async function open(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 1000 } })).newPage();
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    const response = await page.goto(test.bot.url);
    expect(response?.status(), 'GET / must serve the web console (is it registered in start-bot.ts?)').toBe(200);
    return page;
  }

  async function signIn(page: Page, name: string) {
    await page.getByRole('button', { name: new RegExp(`^${name} ·`) }).click();
    await expect.poll(() => page.locator('#auth').textContent(), poll).toContain(`Signed in as ${name}`);
    await expect.poll(() => page.locator('#connection').getAttribute('data-state'), poll).toBe('live');
  }

  beforeAll(async () => {
    test = await startTestBot({ approvals: { riskOverrides: { restart_deployment: 'HIGH' } } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('shows an alert live, takes two signatures from two people, and shows the restart SUCCEEDED', async () => {
    const alice = await open();
    await expect.poll(() => alice.locator('#demo-banner').textContent(), poll).toContain('DEMO');
    await signIn(alice, 'Alice');
    await alice.evaluate(() => Object.assign(globalThis, { loadedOnce: true }));

    const alert = JSON.parse(await readFile(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
    const posted = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alert),
    });
    expect(posted.status).toBe(200);

    const card = alice.locator('article.card').first();
    await expect.poll(() => card.locator('h2').textContent(), poll).toContain('KubePodCrashLooping');
    const approve = card.getByRole('button', { name: 'Approve' });
    await expect.poll(() => approve.count(), poll).toBe(1);
    expect(await alice.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce)).toBe(true); // no reload
    const proposal = card.locator('.proposal');
    expect(await proposal.textContent()).toContain('HIGH');
    expect(await proposal.locator('[data-testid=proposal-state]').textContent()).toBe('PENDING');

    await approve.click();
    await expect.poll(() => card.locator('[data-testid=signatures]').textContent(), poll).toContain('Alice');
    expect(await card.locator('[data-testid=proposal-state]').textContent()).toBe('PENDING');
    expect(await card.locator('.click-result').textContent()).toBeTruthy();

    const bob = await open();
    await signIn(bob, 'Bob');
    const bobCard = bob.locator('article.card').first();
    await expect.poll(() => bobCard.locator('[data-testid=signatures]').textContent(), poll).toContain('Alice');
    await bobCard.getByRole('button', { name: 'Approve' }).click();

    // Alice's page follows live: executed by the bot after the second signature.
    await expect.poll(() => card.locator('[data-testid=outcome]').textContent(), poll).toContain('SUCCEEDED');
    expect(await card.locator('[data-testid=signatures]').textContent()).toMatch(/Alice[\s\S]*Bob/);
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await expect.poll(() => bobCard.locator('[data-testid=outcome]').textContent(), poll).toContain('SUCCEEDED');

    await mkdir('test-results', { recursive: true });
    await alice.screenshot({ path: 'test-results/web-console.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});
