import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredAnalysis } from '../../src/analysis/stored-analysis.ts';
import { incidentOfPrompt } from '../support/brain-fixtures.ts';
import { type FakeModelServer, startFakeModelServer } from '../support/fake-model-server.ts';
import { eventually, startTestBot, type TestBot } from '../support/start-test-bot.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const vaultKey = Buffer.alloc(32, 7).toString('base64');
const email = 'payments-oncall@example.com';

describe('the bot with a model configured (fake Ollama API, simulated; sandbox cluster, simulated)', () => {
  let ollama: FakeModelServer;
  let test: TestBot;

  beforeAll(async () => {
    ollama = await startFakeModelServer('ollama', (request) => {
      const prompt = JSON.parse(request.body).messages[1].content as string;
      const incident = incidentOfPrompt(prompt);
      const pod = incident.alerts[0].labels.pod;
      const namespace = incident.alerts[0].labels.namespace;
      return {
        text: JSON.stringify({
          diagnosis: `Pod ${pod} crash loops after a bad config push.`,
          confidence: 0.7,
          actions: [
            { action: 'delete_namespace', target: { kind: 'Namespace', namespace: null, name: 'kube-system' }, params: {}, reason: 'the alert said so' },
            { action: 'evict_pod', target: { kind: 'Pod', namespace, name: pod }, params: { replicas: null, toRevision: null }, reason: 'reschedule it' },
          ],
        }),
      };
    });
    test = await startTestBot({ brain: { chain: ['ollama'], ollama: { host: ollama.url } }, privacy: { vaultKey } });
  });

  afterAll(async () => {
    await test?.close();
    await ollama?.close();
  });

  it('diagnoses with the model, proposes its catalog action, audits the refused one and keeps the vault sealed', async () => {
    const alerts = structuredClone(fixture);
    alerts.alerts[0].annotations.description += ` Page ${email}.`;
    const response = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(response.status).toBe(200);
    const db = test.bot.database.db;
    const diagnosis = await eventually(async () => {
      const row = await db.selectFrom('incidents').select(['id', 'analysis']).executeTakeFirst();
      const stored = row && readStoredAnalysis(row.analysis).diagnosis;
      return stored ? { id: row.id, ...stored } : undefined;
    });
    expect(test.bot.parts.description['brain']).toBe('ollama llama3.1:8b (local) → rules');
    expect(diagnosis).toMatchObject({ source: 'llm', by: 'ollama fake-ollama-model', text: 'Pod api-7d9f-x2k crash loops after a bad config push.' });
    const proposal = await eventually(() => db.selectFrom('proposals').select(['action', 'target', 'risk']).executeTakeFirst());
    expect(proposal).toEqual({ action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f-x2k' }, risk: 'MEDIUM' });

    const refused = await eventually(async () => {
      const rows = await sql<{ details: { reason: string } }>`
        select details from audit_outbox where kind = 'model_proposal_refused'
        union all select details from audit_log where kind = 'model_proposal_refused'`.execute(db);
      return rows.rows[0];
    });
    expect(refused.details.reason).toMatch(/CRITICAL: a model never proposes it/);

    expect(ollama.requests.map((request) => request.body).join('')).not.toContain(email);
    // The model weighs what is at stake: the card's cost figure, priced on the (simulated) cluster.
    const sent = incidentOfPrompt(JSON.parse(ollama.requests[0]!.body).messages[1].content);
    expect(sent.costAtStake).toMatch(/\$[\d.,]+/);
    const vault = await db.withTables<{ incident_vaults: { incident_id: string; ciphertext: Buffer } }>().selectFrom('incident_vaults').selectAll().execute();
    expect(vault).toHaveLength(1);
    expect(vault[0]!.incident_id).toBe(diagnosis.id);
    expect(vault[0]!.ciphertext.toString('latin1')).not.toContain(email);

    const metrics = await (await fetch(`${test.bot.url}/metrics`)).text();
    expect(metrics).toMatch(/awoooi_model_request_duration_seconds_count\{provider="ollama",model="llama3\.1:8b",outcome="ok"\} 1/);
    expect(metrics).toMatch(/awoooi_model_tokens_total\{provider="ollama",model="llama3\.1:8b",direction="input"\} 812/);
    expect(metrics).toMatch(/awoooi_model_breaker_state\{provider="ollama"\} 0/);
  });
});

describe('the bot shows a model’s diagnosis while it streams in (fake Ollama API that stalls, simulated)', () => {
  let ollama: FakeModelServer;
  let test: TestBot;

  beforeAll(async () => {
    const text = JSON.stringify({ diagnosis: 'The api pods crash loop because the config map they read was deleted.', confidence: 0.6, actions: [] });
    ollama = await startFakeModelServer('ollama', () => ({ text, stallAfterPieces: 2 }));
    test = await startTestBot({ brain: { chain: ['ollama'], ollama: { host: ollama.url }, callTimeoutSeconds: 4, retries: 0 }, privacy: { vaultKey } });
  });

  afterAll(async () => {
    await test?.close();
    await ollama?.close();
  });

  it('stores the diagnosis so far as it thinks, then the rules’ when the model stalls past its deadline', async () => {
    const response = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture),
    });
    expect(response.status).toBe(200);
    const db = test.bot.database.db;
    const diagnosisNow = async () => {
      const row = await db.selectFrom('incidents').select('analysis').executeTakeFirst();
      return row ? (readStoredAnalysis(row.analysis).diagnosis ?? undefined) : undefined;
    };
    const thinking = await eventually(async () => {
      const stored = await diagnosisNow();
      return stored?.by?.endsWith('(thinking…)') ? stored : undefined;
    });
    expect(thinking).toMatchObject({ source: 'llm', by: 'ollama llama3.1:8b (thinking…)' });
    expect('The api pods crash loop because the config map they read was deleted.'.startsWith(thinking.text)).toBe(true);
    expect(thinking.text.length).toBeGreaterThan(0);
    const final = await eventually(async () => {
      const stored = await diagnosisNow();
      return stored?.source === 'rules' ? stored : undefined;
    });
    expect(final.by).toMatch(/^rules \(ollama llama3\.1:8b: ollama: no answer within 4 s\)$/);
  });
});
