import { z } from 'zod';
import { OllamaHttpError, ollamaClient } from './ollama-client.ts';
import { invalidResponse, modelErrorFromTransport } from '../../src/brain/model-errors.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { EmbeddingPort, EmbeddingResult } from '../../src/ports/embedding-port.ts';
import { checkVectors } from '../../src/knowledge/check-vectors.ts';

export interface OllamaEmbedderOptions {
  /** e.g. http://127.0.0.1:11434. */
  host: string;
  model: string;
}

// Deliberately partial: only what is read.
const embedResponse = z.object({ model: z.string().optional(), embeddings: z.array(z.array(z.number())) });

/** A local embedding model through Ollama's /api/embed (the `ollama` package), all texts in one call. */
export class OllamaEmbedder implements EmbeddingPort {
  readonly provider = 'ollama';
  readonly local = true;
  readonly model: string;
  readonly #host: string;

  constructor(options: OllamaEmbedderOptions) {
    this.model = options.model;
    this.#host = options.host;
  }

  async embed(texts: readonly string[], { signal }: CallOptions): Promise<EmbeddingResult> {
    const client = ollamaClient(this.#host, signal);
    let raw: unknown;
    try {
      raw = await client.embed({ model: this.model, input: [...texts], truncate: true });
    } catch (error) {
      if (error instanceof OllamaHttpError) return { ok: false, error: error.failure };
      if (error instanceof SyntaxError) return { ok: false, error: invalidResponse('ollama', 'the answer is not JSON') };
      return { ok: false, error: modelErrorFromTransport('ollama', error, signal) };
    }
    const parsed = embedResponse.safeParse(raw);
    if (!parsed.success) return { ok: false, error: invalidResponse('ollama', 'the answer has no embeddings') };
    return checkVectors('ollama', parsed.data.embeddings, texts.length, parsed.data.model ?? this.model);
  }
}
