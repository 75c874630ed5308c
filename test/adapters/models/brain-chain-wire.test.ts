import { afterEach, describe, expect, it } from 'vitest';
import { chooseBrain } from '../../../src/cli/choose-brain.ts';
import { brainSettings } from '../../../src/config/brain-settings.ts';
import { deadline } from '../../../src/ports/call-options.ts';
import { incidentOfPrompt, pIIIncident, secrets } from '../../support/brain-fixtures.ts';
import { type FakeModelServer, type RecordedRequest, startFakeModelServer } from '../../support/fake-model-server.ts';

let servers: FakeModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** The user message of a request, whatever the API's shape. */
function promptOf(request: RecordedRequest): string {
  const body = JSON.parse(request.body);
  return body.messages.find((message: { role: string }) => message.role === 'user').content;
}

function restartAnswer(request: RecordedRequest): string {
  const incident = incidentOfPrompt(promptOf(request));
  const target = { kind: 'Deployment', namespace: incident.topology[0].namespace, name: incident.alerts[0].service };
  return JSON.stringify({
    diagnosis: `${target.name} crash loops: it cannot log in to its database.`,
    confidence: 0.8,
    actions: [{ action: 'restart_deployment', target, params: { replicas: null, toRevision: null }, reason: 'picks up the rotated password' }],
  });
}

describe('the brain chain over HTTP: real adapters against fake Ollama, OpenAI and Anthropic APIs (simulated servers)', () => {
  it('falls back in the configured order at the wire, and no raw PII or secret appears in any request body', async () => {
    const ollama = await startFakeModelServer('ollama', () => ({ hang: true }));
    const openai = await startFakeModelServer('openai', () => ({ status: 429, message: 'rate limited', headers: { 'retry-after': '0' } }));
    const anthropic = await startFakeModelServer('anthropic', (request) => ({ text: restartAnswer(request) }));
    servers = [ollama, openai, anthropic];
    const brain = chooseBrain(
      brainSettings.parse({
        chain: ['ollama', 'openai', 'anthropic'],
        callTimeoutSeconds: 0.3,
        retries: 1,
        ollama: { host: ollama.url },
        openai: { apiKey: 'sk-test-wire', baseUrl: `${openai.url}/v1` },
        anthropic: { apiKey: 'sk-ant-test-wire', baseUrl: anthropic.url },
      }),
    );
    expect(brain.description).toBe('ollama llama3.1:8b (local) → openai gpt-4.1-mini (local) → anthropic claude-sonnet-4-5 (cloud) → rules');

    const result = await brain.diagnose(pIIIncident('incident-wire'), { signal: deadline(20_000) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([ollama.requests.length, openai.requests.length, anthropic.requests.length]).toEqual([2, 2, 1]);
    expect(result.diagnosis).toMatchObject({ source: 'llm', summary: 'checkout crash loops: it cannot log in to its database.' });
    expect(result.diagnosis.by).toMatch(
      /^anthropic fake-anthropic-model \(after ollama llama3\.1:8b: ollama: no answer within 300 ms; openai gpt-4\.1-mini: openai answered 429/,
    );
    expect(result.diagnosis.proposals[0]!.planned).toEqual({
      action: 'restart_deployment',
      target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      params: {},
    });

    const bodies = [...ollama.requests, ...openai.requests, ...anthropic.requests].map((request) => request.body);
    for (const body of bodies) for (const value of Object.values(secrets)) expect(body).not.toContain(value);
    // The cloud model did not see topology names either (the two on loopback did: they are local).
    expect(anthropic.requests[0]!.body).not.toContain('checkout');
    expect(ollama.requests[0]!.body).toContain('checkout');
  });

  it('answers with the rules when the only model writes malformed JSON', async () => {
    const ollama = await startFakeModelServer('ollama', () => ({ text: '{"diagnosis": "the database is' }));
    servers = [ollama];
    const brain = chooseBrain(brainSettings.parse({ ollama: { host: ollama.url } }));
    const result = await brain.diagnose(pIIIncident(), { signal: deadline(20_000) });
    expect(result).toMatchObject({ ok: true, diagnosis: { source: 'rules', by: 'rules (ollama llama3.1:8b: the answer is not JSON)' } });
    expect(ollama.requests).toHaveLength(1);
  });
});
