import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OllamaEmbedder } from '../../../adapters/ollama/ollama-embedder.ts';
import { OpenAiEmbedder } from '../../../adapters/openai/openai-embedder.ts';
import { deadline } from '../../../src/ports/call-options.ts';
import type { EmbeddingPort } from '../../../src/ports/embedding-port.ts';
import { type FakeEmbeddingsServer, fakeVector, startFakeEmbeddingsServer } from '../../support/fake-embeddings-server.ts';

const adapters: { api: 'ollama' | 'openai'; create(url: string): EmbeddingPort }[] = [
  { api: 'ollama', create: (url) => new OllamaEmbedder({ host: url, model: 'nomic-embed-text' }) },
  {
    api: 'openai',
    create: (url) => new OpenAiEmbedder({ apiKey: 'sk-test-embeddings-key-0001', baseUrl: `${url}/v1`, model: 'nomic-embed-text', local: true }),
  },
];

describe.each(adapters)('$api embedding adapter against a fake server', ({ api, create }) => {
  let fake: FakeEmbeddingsServer;
  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.answer(() => 'embed');
  });
  const call = (texts: string[]) => create(fake.url).embed(texts, { signal: deadline(5_000) });

  it('sends the texts and the model in one request and returns a vector per text, in order', async () => {
    const result = await call(['alerts: RedisDown', 'alerts: DiskFull']);
    expect(result).toEqual({ ok: true, model: 'nomic-embed-text', vectors: [fakeVector('alerts: RedisDown'), fakeVector('alerts: DiskFull')] });
    expect(fake.requests).toMatchObject([{ api, model: 'nomic-embed-text', texts: ['alerts: RedisDown', 'alerts: DiskFull'] }]);
    if (api === 'openai') expect(fake.requests[0]?.body).toMatchObject({ encoding_format: 'float' });
  });

  it('says a 429 or a 5xx may be retried, and a 4xx may not', async () => {
    fake.answer(() => ({ status: 429, message: 'slow down' }));
    expect(await call(['x'])).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true, status: 429 } });
    fake.answer(() => ({ status: 503 }));
    expect(await call(['x'])).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    fake.answer(() => ({ status: 404, message: 'model "nomic-embed-text" not found, try pulling it first' }));
    const missing = await call(['x']);
    expect(missing).toMatchObject({ ok: false, error: { code: 'failed', retryable: false } });
    expect(!missing.ok && missing.error.message).toContain('not found');
  });

  it('refuses vectors that do not fit the texts: too few, of two lengths, or all zero', async () => {
    fake.answer(() => ({ vectors: [[0.1, 0.2]] }));
    expect(await call(['a', 'b'])).toMatchObject({ ok: false, error: { code: 'invalid_response', retryable: false } });
    fake.answer(() => ({ vectors: [[0.1, 0.2], [0.3]] }));
    expect(await call(['a', 'b'])).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
    fake.answer(() => ({ vectors: [[0, 0]] }));
    expect(await call(['a'])).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
  });

  it('reports an unreachable server as retryable, never throws', async () => {
    const gone = create('http://127.0.0.1:9');
    expect(await gone.embed(['x'], { signal: deadline(5_000) })).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
  });
});
