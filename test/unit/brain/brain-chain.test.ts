import { describe, expect, it } from 'vitest';
import { BrainChain, type BrainChainOptions } from '../../../src/brain/brain-chain.ts';
import { ephemeralVaults, type IncidentVaults } from '../../../src/brain/incident-vaults.ts';
import { PromptTemplate } from '../../../src/brain/prompt-template.ts';
import { diagnoseWithRules } from '../../../src/brain/rule-brain.ts';
import { deadline } from '../../../src/ports/call-options.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import type { ModelPort, ModelResult } from '../../../src/ports/model-port.ts';
import { answer, incidentOfPrompt, pIIIncident, scriptedModel, secrets } from '../../support/brain-fixtures.ts';

const prompt = PromptTemplate.load('diagnose-incident', 1);
const checkout = { kind: 'Deployment', namespace: 'shop', name: 'checkout' };

function chain(models: ModelPort[], options: Partial<BrainChainOptions> = {}): BrainChain {
  return new BrainChain({
    models,
    vaults: ephemeralVaults,
    prompt,
    pseudonymizeNames: 'auto',
    callTimeoutMilliseconds: 5_000,
    retries: 1,
    breaker: { failures: 3, cooldownMilliseconds: 30_000 },
    wait: async () => {},
    ...options,
  });
}

const failure = (code: 'unavailable' | 'rate_limited' | 'failed', retryable: boolean, message: string = code): ModelResult => ({
  ok: false,
  error: { code, retryable, message },
});

async function diagnose(brain: BrainChain, input = pIIIncident('incident-1')) {
  const result = await brain.diagnose(input, { signal: deadline(10_000) });
  if (!result.ok) throw new Error(result.error.message);
  return result.diagnosis;
}

describe('the brain chain (scripted models, simulated)', () => {
  it('takes a local model’s catalog proposal on the incident’s own deployment, and says which model spoke', async () => {
    const ollama = scriptedModel('ollama', true, () =>
      answer('checkout is crash looping; its database password is wrong.', [
        { action: 'restart_deployment', target: checkout, params: { replicas: null, toRevision: null }, reason: 'clears the crash loop' },
      ]),
    );
    const diagnosis = await diagnose(chain([ollama]));
    expect(diagnosis).toMatchObject({ source: 'llm', by: 'ollama scripted', summary: 'checkout is crash looping; its database password is wrong.' });
    expect(diagnosis.proposals[0]!.planned).toEqual({ action: 'restart_deployment', target: checkout, params: {} });
    expect(diagnosis.proposals[0]!.reason).toContain('clears the crash loop');
    // Local: names stay, PII never does.
    const sent = JSON.stringify(ollama.requests);
    expect(sent).toContain('checkout');
    for (const value of Object.values(secrets)) expect(sent).not.toContain(value);
  });

  it('pseudonymizes names for a cloud model and rehydrates its target to the original object', async () => {
    const anthropic = scriptedModel('anthropic', false, (request) => {
      const incident = incidentOfPrompt(request.prompt);
      const target = { kind: 'Deployment', namespace: incident.topology[0].namespace, name: incident.alerts[0].service };
      return answer(`${target.name} in ${target.namespace} is crash looping.`, [{ action: 'restart_deployment', target, params: {}, reason: 'restart it' }]);
    });
    const diagnosis = await diagnose(chain([anthropic]));
    const sent = JSON.stringify(anthropic.requests);
    expect(incidentOfPrompt(anthropic.requests[0]!.prompt).alerts[0].service).toMatch(/^\[NAME_\d+\]$/);
    for (const name of ['checkout', 'shop', 'ip-10-0-3-17', ...Object.values(secrets)]) expect(sent).not.toContain(name);
    expect(diagnosis.proposals[0]!.planned).toEqual({ action: 'restart_deployment', target: checkout, params: {} });
    expect(diagnosis.summary).toBe('checkout in shop is crash looping.');
  });

  it('passes a streaming model’s diagnosis on as it grows, topology names put back for people', async () => {
    const streaming: ModelPort = {
      provider: 'anthropic',
      model: 'streaming',
      local: false,
      complete: async (request, options) => {
        const service = incidentOfPrompt(request.prompt).alerts[0].service as string;
        const text = JSON.stringify({ diagnosis: `${service} is crash looping.`, confidence: 0.5, actions: [] });
        for (let end = 5; end < text.length; end += 7) options.onText?.(text.slice(0, end));
        options.onText?.(text);
        return { ok: true, answer: { text, model: 'streaming', usage: null } };
      },
    };
    const thoughts: string[] = [];
    const result = await chain([streaming]).diagnose(pIIIncident('incident-1'), {
      signal: deadline(10_000),
      onThought: (thought) => thoughts.push(`${thought.by}: ${thought.text}`),
    });
    expect(result.ok && result.diagnosis.summary).toBe('checkout is crash looping.');
    expect(thoughts.at(-1)).toBe('anthropic streaming: checkout is crash looping.');
    expect(thoughts.length).toBeGreaterThan(2);
    expect(new Set(thoughts).size).toBe(thoughts.length);
    for (const shown of thoughts) expect(shown).not.toMatch(/\[NAME_\d+\]/);
  });

  it('keeps names for a cloud model when told never to pseudonymize them, and hides them from a local one when told always', async () => {
    const cloud = scriptedModel('openai', false, () => answer('fine'));
    await diagnose(chain([cloud], { pseudonymizeNames: 'never' }));
    expect(cloud.requests[0]!.prompt).toContain('"checkout"');
    const local = scriptedModel('ollama', true, () => answer('fine'));
    await diagnose(chain([local], { pseudonymizeNames: 'always' }));
    expect(local.requests[0]!.prompt).not.toContain('checkout');
  });

  it('falls back in the configured order, retrying retryable failures once, and says why', async () => {
    const calls: string[] = [];
    const logged = (name: string, result: ModelResult) => () => {
      calls.push(name);
      return result;
    };
    const ollama = scriptedModel('ollama', true, logged('ollama', failure('unavailable', true, 'ollama answered 500')));
    const openai = scriptedModel('openai', false, logged('openai', failure('failed', false, 'openai answered 401')));
    const anthropic = scriptedModel('anthropic', false, logged('anthropic', answer('the database is down')));
    const diagnosis = await diagnose(chain([ollama, openai, anthropic]));
    expect(calls).toEqual(['ollama', 'ollama', 'openai', 'anthropic']);
    expect(diagnosis.source).toBe('llm');
    expect(diagnosis.by).toBe('anthropic scripted (after ollama scripted-ollama: ollama answered 500; openai scripted-openai: openai answered 401)');
  });

  it('waits what a 429 asks before the retry, but passes a provider over that asks for longer than a few seconds', async () => {
    const waits: number[] = [];
    const limited = scriptedModel('openai', false, (_, call) =>
      call === 0 ? { ok: false, error: { code: 'rate_limited', retryable: true, message: '429', retryAfterSeconds: 2 } } : answer('ok now'),
    );
    const wait = async (milliseconds: number) => {
      waits.push(milliseconds);
    };
    expect((await diagnose(chain([limited], { wait }))).source).toBe('llm');
    expect(waits).toEqual([2000]);
    const patient = scriptedModel('openai', false, () => ({
      ok: false,
      error: { code: 'rate_limited', retryable: true, message: '429', retryAfterSeconds: 60 },
    }));
    const diagnosis = await diagnose(chain([patient], { wait }));
    expect(patient.requests).toHaveLength(1);
    expect(diagnosis.source).toBe('rules');
  });

  it('answers with the rules when every model fails, malformed JSON included, and says why', async () => {
    const input = pIIIncident('incident-1');
    const garbage = scriptedModel('ollama', true, () => ({ ok: true, answer: { text: 'Sure! Here is the JSON: {diagnosis:', model: 'x', usage: null } }));
    const extraKeys = scriptedModel('openai', false, () => ({
      ok: true,
      answer: { text: JSON.stringify({ diagnosis: 'x', confidence: 1, actions: [], approve: true }), model: 'x', usage: null },
    }));
    const diagnosis = await diagnose(chain([garbage, extraKeys]), input);
    expect(garbage.requests).toHaveLength(1);
    expect(diagnosis.source).toBe('rules');
    expect(diagnosis.summary).toBe(diagnoseWithRules(input).summary);
    expect(diagnosis.proposals).toEqual(diagnoseWithRules(input).proposals);
    expect(diagnosis.by).toMatch(/^rules \(ollama scripted-ollama: the answer is not JSON; openai scripted-openai: the answer does not fit the schema/);
  });

  it('skips a provider whose breaker is open, and tries it again after the cooldown', async () => {
    const clock = manualClock(new Date('2026-12-02T08:00:00Z'));
    const dead = scriptedModel('ollama', true, () => failure('unavailable', true));
    const brain = chain([dead], { retries: 0, breaker: { failures: 2, cooldownMilliseconds: 30_000 }, clock });
    await diagnose(brain);
    await diagnose(brain);
    const skipped = await diagnose(brain);
    expect(dead.requests).toHaveLength(2);
    expect(skipped.by).toContain('skipped, it failed 2 times in a row');
    clock.advance(30_000);
    await diagnose(brain);
    expect(dead.requests).toHaveLength(3);
  });

  it('treats an adapter that throws like one that failed', async () => {
    const broken: ModelPort = { provider: 'ollama', model: 'broken', local: true, complete: async () => Promise.reject(new Error('adapter bug')) };
    const diagnosis = await diagnose(chain([broken, scriptedModel('anthropic', false, () => answer('fine'))]));
    expect(diagnosis.by).toContain('after ollama broken: ollama: adapter bug');
  });

  it('stops at the diagnosis deadline, even for an adapter that ignores its signal, and lets the rules answer', async () => {
    const hanging = scriptedModel('ollama', true, () => new Promise<ModelResult>(() => {}));
    const next = scriptedModel('anthropic', false, () => answer('never asked'));
    const controller = new AbortController();
    const pending = chain([hanging, next], { callTimeoutMilliseconds: 60_000 }).diagnose(pIIIncident(), { signal: controller.signal });
    await expect.poll(() => hanging.requests.length).toBe(1);
    controller.abort(new Error('no answer within 60 s'));
    const result = await pending;
    expect(result).toMatchObject({ ok: true, diagnosis: { source: 'rules' } });
    if (result.ok) expect(result.diagnosis.by).toContain('the diagnosis deadline passed');
    expect(next.requests).toHaveLength(0);
  });

  it('gives each call its own deadline: a provider that hangs past it is passed over for the next', async () => {
    const hanging = scriptedModel('ollama', true, () => new Promise<ModelResult>(() => {}));
    const next = scriptedModel('anthropic', false, () => answer('the database is down'));
    const diagnosis = await diagnose(chain([hanging, next], { callTimeoutMilliseconds: 50, retries: 0 }));
    expect(diagnosis).toMatchObject({ source: 'llm', summary: 'the database is down' });
    expect(diagnosis.by).toContain('ollama: no answer within 50 ms');
  });

  it('sends nothing to any model when the incident vault cannot be opened', async () => {
    const model = scriptedModel('anthropic', false, () => answer('x'));
    const brokenVaults: IncidentVaults = { update: async () => ({ ok: false, message: 'wrong key' }) };
    const diagnosis = await diagnose(chain([model], { vaults: brokenVaults }));
    expect(model.requests).toHaveLength(0);
    expect(diagnosis).toMatchObject({ source: 'rules', by: 'rules (vault: wrong key)' });
  });
});
