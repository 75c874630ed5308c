import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { renderCardText } from '../../src/cards/render-card-text.ts';
import { eventually, startTestBot, type TestBot } from '../support/start-test-bot.ts';

describe('the card of an incident whose alerts name no service [sandbox cluster, simulated]', () => {
  let test: TestBot;
  beforeAll(async () => {
    test = await startTestBot();
  });
  afterAll(async () => test?.close());

  it('leaves "analysing" once analysed, and names the alerts that map to nothing', async () => {
    const response = await fetch(`${test.bot.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Watchdog', labels: { severity: 'info' }, annotations: { summary: 'always firing' } }),
    });
    expect(response.status).toBe(200);
    const [incidentId] = ((await response.json()) as { incidents: string[] }).incidents;
    const deps = { people: test.bot.parts.people, cluster: test.bot.parts.cluster, prices: test.config.prices };
    const card = await eventually(async () => {
      const current = await buildIncidentCard(test.bot.database.db, incidentId!, deps);
      return current?.analysis.state === 'done' ? current : undefined;
    });
    expect(card.rootCauses).toEqual([]);
    expect(card.analysis).toEqual({ state: 'done', unmappedAlerts: ['Watchdog'], failure: null });
    expect(renderCardText(card)).toContain('root cause: unknown: no alert names a service of the topology (Watchdog)\n');
  });
});
