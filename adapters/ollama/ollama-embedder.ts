import { Ollama } from 'ollama';
import { z } from 'zod';
import { errorBodyText, invalidResponse, modelErrorFromStatus, modelErrorFromTransport } from '../../src/brain/model-errors.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { EmbeddingError, EmbeddingPort, EmbeddingResult } from '../../src/ports/embedding-port.ts';
import { checkVectors } from '../../src/knowledge/check-vectors.ts';

export interface OllamaEmbedderOptions {
  /** e.g. http://127.0.0.1:11434. */
  host: string;
  model: string;
}

// Deliberately partial: only what is read.
const embedResponse = z.object({ model: z.string().optional(), embeddings: z.array(z.array(z.number())) });

/** A non-2xx answer, raised inside our fetch so the client never parses (or console.logs) an error body. */
class OllamaHttpError extends Error {
  readonly failure: EmbeddingError;
  constructor(failure: EmbeddingError) {
    super(failure.message);
    this.failure = failure;
  }
}

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
    // The client takes no per-call signal: each call gets a client whose fetch carries it.
    const client = new Ollama({
      host: this.#host,
      fetch: async (input, init) => {
        const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
        if (!response.ok) {
          const body = await response.text().catch(() => '');
          throw new OllamaHttpError(modelErrorFromStatus('ollama', response.status, errorBodyText(body), response.headers.get('retry-after')));
        }
        return response;
      },
    });
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
