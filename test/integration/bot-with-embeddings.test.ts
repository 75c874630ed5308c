import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from '../support/fake-embeddings-server.ts';
import { alertmanagerPayload, type TestAlert } from '../support/ingest-harness.ts';
import { eventually, startTestBot, type TestBot } from '../support/start-test-bot.ts';

const serverToken = 'mcp-token-for-embeddings-test';

describe('the bot with an embedding model configured (fake Ollama embeddings, simulated)', () => {
  let fake: FakeEmbeddingsServer;
  let test: TestBot;
  let client: Client;

  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer();
    test = await startTestBot({
      knowledge: { embeddings: { provider: 'ollama', model: 'fake-embed', url: fake.url, minSimilarity: 0.5, timeoutSeconds: 5 } },
      incidents: { resolveGraceSeconds: 0 },
      mcp: { serverToken },
    });
    client = new Client({ name: 'assistant', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${test.bot.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${serverToken}` } } }),
    );
  });

  afterAll(async () => {
    await client?.close();
    await test?.close();
    await fake?.close();
  });

  const post = async (groupKey: string, alerts: TestAlert[]) => {
    const response = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerPayload(groupKey, alerts)),
    });
    expect(response.status).toBe(200);
  };

  it('embeds a resolved incident after its commit and shows it on the card of one alike in meaning only', async () => {
    const db = test.bot.database.db;
    const redis = { fingerprint: 'redis-1', name: 'RedisDown', service: 'session-store' };
    await post('group-redis', [redis]);
    // Its remediation round done first, so what the knowledge base keeps of it is the same in every run.
    await eventually(async () => {
      const row = await db.selectFrom('incidents').select('analysis').where('status', '=', 'open').executeTakeFirst();
      return (row?.analysis as { remediatedDigest?: string } | null)?.remediatedDigest;
    });
    await post('group-redis', [{ ...redis, status: 'resolved' }]);
    const entry = await eventually(() =>
      db.selectFrom('incident_knowledge').select(['incident_id', 'embedding_model']).where('embedding', 'is not', null).executeTakeFirst(),
    );
    expect(entry.embedding_model).toBe('fake-embed');
    expect(fake.requests.some((request) => request.texts.some((text) => text.startsWith('alerts: RedisDown')))).toBe(true);

    await post('group-valkey', [{ fingerprint: 'valkey-1', name: 'ValkeyUnreachable', service: 'token-cache' }]);
    const incidentId = await eventually(async () => (await db.selectFrom('incidents').select('id').where('status', '=', 'open').executeTakeFirst())?.id);
    const card = await eventually(async () => {
      const result = await client.callTool({ name: 'read_analysis', arguments: { incidentId } });
      const text = (result.content as { text: string }[]).map((part) => part.text).join('');
      return text.includes('history:') ? text : undefined;
    });
    expect(card).toMatch(/history: seen once, last/);
  });
});
