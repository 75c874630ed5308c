import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicModel } from '../../../adapters/anthropic/anthropic-model.ts';
import { OllamaModel } from '../../../adapters/ollama/ollama-model.ts';
import { OpenAiModel } from '../../../adapters/openai/openai-model.ts';
import { deadline } from '../../../src/ports/call-options.ts';
import type { ModelPort, ModelRequest } from '../../../src/ports/model-port.ts';
import { type FakeApi, type FakeModelServer, type FakeStep, startFakeModelServer } from '../../support/fake-model-server.ts';

const schema = { type: 'object', properties: { diagnosis: { type: 'string' } }, required: ['diagnosis'], additionalProperties: false };
const request: ModelRequest = { system: 'You advise.', prompt: 'Diagnose <incident-data>…</incident-data>', schema, maxOutputTokens: 500 };

interface Provider {
  api: FakeApi;
  create(url: string): ModelPort;
  /** Where the request body carries the JSON Schema for structured output. */
  schemaOf(body: any): unknown;
  systemOf(body: any): unknown;
}

const providers: Provider[] = [
  {
    api: 'ollama',
    create: (url) => new OllamaModel({ host: url, model: 'llama3.1:8b' }),
    schemaOf: (body) => body.format,
    systemOf: (body) => body.messages[0].content,
  },
  {
    api: 'openai',
    create: (url) => new OpenAiModel({ apiKey: 'sk-test-not-a-real-key', baseUrl: `${url}/v1`, model: 'gpt-test', local: true }),
    schemaOf: (body) => body.response_format.json_schema.schema,
    systemOf: (body) => body.messages[0].content,
  },
  {
    api: 'anthropic',
    create: (url) => new AnthropicModel({ apiKey: 'sk-ant-test-not-a-real-key', baseUrl: url, model: 'claude-test' }),
    schemaOf: (body) => body.output_config.format.schema,
    systemOf: (body) => body.system,
  },
];

describe.each(providers)('$api adapter against a fake $api API (simulated server)', (provider) => {
  let server: FakeModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function ask(step: FakeStep, milliseconds = 10_000) {
    server = await startFakeModelServer(provider.api, () => step);
    return provider.create(server.url).complete(request, { signal: deadline(milliseconds) });
  }

  it('sends the system prompt, the user message and the JSON Schema, and returns the text with its token counts', async () => {
    const result = await ask({ text: '{"diagnosis":"db down"}' });
    expect(result).toEqual({
      ok: true,
      answer: { text: '{"diagnosis":"db down"}', model: `fake-${provider.api}-model`, usage: { inputTokens: 812, outputTokens: 96 } },
    });
    expect(server!.requests).toHaveLength(1);
    const body = JSON.parse(server!.requests[0]!.body);
    expect(provider.schemaOf(body)).toEqual(schema);
    expect(provider.systemOf(body)).toBe('You advise.');
    expect(server!.requests[0]!.body).toContain('Diagnose <incident-data>');
  });

  it('streams when asked: the text so far grows piece by piece, and the answer is the same', async () => {
    const text = '{"diagnosis":"the orders database refuses connections"}';
    server = await startFakeModelServer(provider.api, () => ({ text }));
    const seen: string[] = [];
    const result = await provider.create(server.url).complete(request, { signal: deadline(10_000), onText: (soFar) => seen.push(soFar) });
    expect(result).toEqual({ ok: true, answer: { text, model: `fake-${provider.api}-model`, usage: { inputTokens: 812, outputTokens: 96 } } });
    expect(JSON.parse(server.requests[0]!.body).stream).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.at(-1)).toBe(text);
    seen.reduce((previous, current) => {
      expect(current.startsWith(previous)).toBe(true);
      return current;
    }, '');
  });

  it('is cut off by its AbortSignal when the stream stalls mid-answer, after showing what came', async () => {
    server = await startFakeModelServer(provider.api, () => ({ text: '{"diagnosis":"the orders database refuses connections"}', stallAfterPieces: 2 }));
    const seen: string[] = [];
    const result = await provider.create(server.url).complete(request, { signal: deadline(300), onText: (soFar) => seen.push(soFar) });
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    expect(seen.at(-1)).toMatch(/^\{"diagnosis":"the orders/);
  });

  it('maps a 429 to rate_limited, retryable, with the Retry-After, and does not retry on its own', async () => {
    const result = await ask({ status: 429, message: 'slow down', headers: { 'retry-after': '7' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true, retryAfterSeconds: 7, status: 429 } });
    expect(server!.requests).toHaveLength(1);
  });

  it('maps a 500 to unavailable, retryable, once', async () => {
    const result = await ask({ status: 500, message: 'boom' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true, status: 500 } });
    if (!result.ok) expect(result.error.message).toContain('boom');
    expect(server!.requests).toHaveLength(1);
  });

  it('maps a 401 to a failure that is not retryable, without echoing the key', async () => {
    const key = provider.api === 'anthropic' ? 'sk-ant-test-not-a-real-key' : 'sk-test-not-a-real-key';
    const result = await ask({ status: 401, message: `invalid api key ${key}` });
    expect(result).toMatchObject({ ok: false, error: { code: 'failed', retryable: false, status: 401 } });
    if (!result.ok) expect(result.error.message).toContain('invalid api key');
    if (!result.ok && provider.api !== 'ollama') expect(result.error.message).not.toContain(key);
  });

  it('maps a 400 (a request the provider refuses) to a failure that is not retryable', async () => {
    const result = await ask({ status: 400, message: 'unknown field' });
    expect(result).toMatchObject({ ok: false, error: { code: 'failed', retryable: false, status: 400 } });
  });

  it('is cut off by its AbortSignal: a timeout, retryable, and the connection is dropped', async () => {
    const result = await ask({ hang: true }, 300);
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    await expect.poll(() => server!.abandoned).toBe(1);
  });

  it('refuses a 200 whose body is not JSON', async () => {
    const result = await ask({ rawBody: '{"model": "half an answ' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_response', retryable: false } });
  });

  it('refuses a 200 of JSON without the fields the API promises', async () => {
    const result = await ask({ rawBody: '{"unexpected": true}' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_response', retryable: false } });
  });

  it('reports a refused connection as unavailable, retryable', async () => {
    server = await startFakeModelServer(provider.api, () => ({ text: '{}' }));
    const url = server.url;
    await server.close();
    server = undefined;
    const result = await provider.create(url).complete(request, { signal: deadline(10_000) });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
  });
});
