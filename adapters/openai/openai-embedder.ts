import OpenAI from 'openai';
import { z } from 'zod';
import { errorBodyText, invalidResponse, modelErrorFromStatus, modelErrorFromTransport } from '../../src/brain/model-errors.ts';
import { checkVectors } from '../../src/knowledge/check-vectors.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { EmbeddingPort, EmbeddingResult } from '../../src/ports/embedding-port.ts';

export interface OpenAiEmbedderOptions {
  /** Servers that want none (vLLM, LM Studio, llama.cpp, Ollama's /v1) get a placeholder. */
  apiKey: string | undefined;
  /** e.g. http://127.0.0.1:8000/v1; undefined for OpenAI itself. */
  baseUrl: string | undefined;
  model: string;
  local: boolean;
}

// Deliberately partial: only what is read. `index` orders the vectors (the API does not promise input order).
const embeddingsResponse = z.object({
  model: z.string().optional(),
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

/**
 * OpenAI's /v1/embeddings, or any server that speaks it, through the `openai` package with a base URL. Floats
 * are asked for explicitly (the client would otherwise ask for base64, which not every compatible server
 * speaks). The client's own retries are off: the knowledge sweep retries on its next tick.
 */
export class OpenAiEmbedder implements EmbeddingPort {
  readonly provider = 'openai';
  readonly model: string;
  readonly local: boolean;
  readonly #client: OpenAI;
  readonly #secrets: string[];

  constructor(options: OpenAiEmbedderOptions) {
    this.model = options.model;
    this.local = options.local;
    this.#secrets = options.apiKey === undefined ? [] : [options.apiKey];
    this.#client = new OpenAI({ apiKey: options.apiKey ?? 'unused', baseURL: options.baseUrl ?? null, maxRetries: 0, timeout: 60_000 });
  }

  async embed(texts: readonly string[], { signal }: CallOptions): Promise<EmbeddingResult> {
    let raw: unknown;
    try {
      raw = await this.#client.embeddings.create({ model: this.model, input: [...texts], encoding_format: 'float' }, { signal });
    } catch (error) {
      if (error instanceof OpenAI.APIError && error.status !== undefined) {
        const message = errorBodyText(JSON.stringify({ error: error.error ?? error.message }));
        return { ok: false, error: modelErrorFromStatus('openai', error.status, message, error.headers?.get('retry-after'), this.#secrets) };
      }
      if (error instanceof SyntaxError) return { ok: false, error: invalidResponse('openai', 'the answer is not JSON') };
      return { ok: false, error: modelErrorFromTransport('openai', error, signal) };
    }
    const parsed = embeddingsResponse.safeParse(raw);
    if (!parsed.success) return { ok: false, error: invalidResponse('openai', 'the answer has no embeddings') };
    const vectors = [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    return checkVectors('openai', vectors, texts.length, parsed.data.model ?? this.model);
  }
}
