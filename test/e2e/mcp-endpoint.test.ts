import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { eventually, startTestBot, type TestBot } from '../support/start-test-bot.ts';

const crashLoop = readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');
const token = 'mcp-token-for-the-assistant-0123';

describe('the bot as an MCP server: POST /mcp, token-protected [sandbox cluster, simulated]', () => {
  let test: TestBot;
  let client: Client;
  let incidentId: string;

  beforeAll(async () => {
    // restart_deployment is LOW here: asked by an assistant, it must still wait for a person.
    test = await startTestBot({ mcp: { serverToken: token }, approvals: { riskOverrides: { restart_deployment: 'LOW' } } });
    const response = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: crashLoop,
    });
    [incidentId] = ((await response.json()) as { incidents: string[] }).incidents as [string];
    const deps = { people: test.bot.parts.people, cluster: test.bot.parts.cluster, prices: test.config.prices };
    await eventually(async () => ((await buildIncidentCard(test.bot.database.db, incidentId, deps))?.analysis.state === 'done' ? true : undefined));
    // The rules' own restart is LOW here too: it runs at once. Let it finish, so the assistant's request meets no execution.
    await eventually(async () => {
      const busy = await test.bot.database.db
        .selectFrom('proposals')
        .select('id')
        .where('incident_id', '=', incidentId)
        .where('state', 'in', ['APPROVED', 'EXECUTING'])
        .execute();
      const proposed = await test.bot.database.db.selectFrom('proposals').select('id').where('incident_id', '=', incidentId).execute();
      return proposed.length > 0 && busy.length === 0 ? true : undefined;
    });
    client = new Client({ name: 'assistant', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${test.bot.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  });
  afterAll(async () => {
    await client?.close();
    await test?.close();
  });

  const textOf = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { text: string }[]).map((part) => part.text).join('');

  it('offers three tools; lists incidents and reads an analysis', async () => {
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['list_incidents', 'read_analysis', 'request_remediation']);
    const listed = JSON.parse(textOf(await client.callTool({ name: 'list_incidents', arguments: {} })));
    expect(listed).toContainEqual(expect.objectContaining({ incidentId, status: 'open' }));
    const card = textOf(await client.callTool({ name: 'read_analysis', arguments: { incidentId } }));
    expect(card).toMatch(/root cause/);
    const unknown = await client.callTool({ name: 'read_analysis', arguments: { incidentId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.isError).toBe(true);
  });

  it('a requested remediation enters the approval: dry-run, PENDING for a person even when it would be LOW', async () => {
    const result = await client.callTool({
      name: 'request_remediation',
      arguments: {
        incidentId,
        action: 'restart_deployment',
        target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
        reason: 'the api crash-loops since the deploy',
      },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^proposal [0-9a-f-]{36}: PENDING, risk MEDIUM; signers: admin, devops or sre$/);
    const row = await test.bot.database.db
      .selectFrom('proposals')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('state', '=', 'PENDING')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      requested_by: null,
      risk_reason: 'asked by an AI assistant: a person signs (never auto-approved)',
      reason: 'the api crash-loops since the deploy',
    });

    const refused = await client.callTool({
      name: 'request_remediation',
      arguments: { incidentId, action: 'drop_database', target: { kind: 'Database', name: 'orders' }, reason: 'x' },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^invalid_action: "drop_database" is not an action in the catalog/);
  });

  it('without the token: 401 before the body is read; GET is not offered', async () => {
    const response = await fetch(`${test.bot.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-wrong-token' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect((await fetch(`${test.bot.url}/mcp`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
  });
});
