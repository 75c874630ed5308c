import { describe, expect, it } from 'vitest';
import { chooseEmbeddings, embeddingsText } from '../../../src/cli/choose-embeddings.ts';
import { configCheckCommand } from '../../../src/cli/config-check-command.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { collectOutput } from '../../support/collect-output.ts';

describe('knowledge.embeddings (ADR 0034)', () => {
  it('is off unless configured: full-text search alone', () => {
    const result = loadConfig({});
    expect(result.ok && result.config.knowledge).toEqual({});
    expect(result.ok && embeddingsText(chooseEmbeddings(result.config, silentLogger))).toBe('none (similar incidents by full-text search only)');
  });

  it('reads AWOOOI_EMBEDDINGS_*; a local Ollama sees names, a cloud OpenAI does not', () => {
    const ollama = loadConfig({
      AWOOOI_EMBEDDINGS_PROVIDER: 'ollama',
      AWOOOI_EMBEDDINGS_MODEL: 'nomic-embed-text',
      AWOOOI_EMBEDDINGS_URL: 'http://gpu-box:11434/',
    });
    expect(ollama.ok && ollama.config.knowledge.embeddings).toEqual({
      provider: 'ollama',
      model: 'nomic-embed-text',
      url: 'http://gpu-box:11434',
      minSimilarity: 0.75,
      timeoutSeconds: 10,
    });
    expect(ollama.ok && embeddingsText(chooseEmbeddings(ollama.config, silentLogger))).toBe('ollama nomic-embed-text (local)');
    const openai = loadConfig({
      AWOOOI_EMBEDDINGS_PROVIDER: 'openai',
      AWOOOI_EMBEDDINGS_MODEL: 'text-embedding-3-small',
      AWOOOI_EMBEDDINGS_API_KEY: 'sk-test',
      AWOOOI_EMBEDDINGS_MIN_SIMILARITY: '0.6',
    });
    expect(openai.ok && openai.config.knowledge.embeddings?.minSimilarity).toBe(0.6);
    const chosen = openai.ok ? chooseEmbeddings(openai.config, silentLogger) : undefined;
    expect(chosen?.hideNames).toBe(true);
    expect(embeddingsText(chosen)).toBe('openai text-embedding-3-small (cloud, service names hidden)');
  });

  it('refuses an incomplete or unknown setting by the variable that caused it', () => {
    expect(loadConfig({ AWOOOI_EMBEDDINGS_MODEL: 'nomic-embed-text' })).toMatchObject({
      ok: false,
      errors: ['config: knowledge.embeddings.provider: Invalid option: expected one of "ollama"|"openai"'],
    });
    expect(loadConfig({ AWOOOI_EMBEDDINGS_PROVIDER: 'openai', AWOOOI_EMBEDDINGS_MODEL: 'text-embedding-3-small' })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('openai embeddings need an API key')],
    });
    expect(loadConfig({ AWOOOI_EMBEDDINGS_PROVIDER: 'cohere', AWOOOI_EMBEDDINGS_MODEL: 'x' })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^AWOOOI_EMBEDDINGS_PROVIDER: /)],
    });
  });

  it('is named by `awoooi config check`', async () => {
    const output = collectOutput();
    const code = await configCheckCommand(output.stream, output.stream, { AWOOOI_EMBEDDINGS_PROVIDER: 'ollama', AWOOOI_EMBEDDINGS_MODEL: 'nomic-embed-text' });
    expect(code).toBe(0);
    expect(output.text()).toContain('  knowledge embeddings: ollama nomic-embed-text (local)\n');
  });
});
