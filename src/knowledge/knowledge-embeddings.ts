import { createHash } from 'node:crypto';
import { deadline } from '../ports/call-options.ts';
import type { EmbeddingError, EmbeddingPort } from '../ports/embedding-port.ts';
import type { Logger } from '../ports/logger.ts';
import { embeddingText, type KnowledgeText } from './embedding-text.ts';

export interface KnowledgeEmbeddingsOptions {
  embedder: EmbeddingPort;
  /** Service names hidden from the model too (a cloud model under `brain.pseudonymizeNames: auto`, or `always`). */
  hideNames: boolean;
  /** Cosine similarity from which a past incident counts as similar. */
  minSimilarity: number;
  /** Deadline of one embedding call. */
  timeoutMilliseconds: number;
  log: Logger;
}

// Cards are rebuilt on every change of an incident: its query vector is asked for once, not per build.
const cachedQueries = 256;

/**
 * The knowledge base's embedding model as the core uses it (ADR 0034): entries and queries are shielded into
 * text (embeddingText), embedded under a deadline, and every failure is a value the caller falls back from.
 */
export class KnowledgeEmbeddings {
  readonly embedder: EmbeddingPort;
  readonly minSimilarity: number;
  readonly log: Logger;
  /** Service names are hidden from the model too. */
  readonly hideNames: boolean;
  readonly #timeoutMilliseconds: number;
  readonly #queries = new Map<string, number[]>();

  constructor(options: KnowledgeEmbeddingsOptions) {
    this.embedder = options.embedder;
    this.minSimilarity = options.minSimilarity;
    this.log = options.log;
    this.hideNames = options.hideNames;
    this.#timeoutMilliseconds = options.timeoutMilliseconds;
  }

  /** The model whose vectors are compared: rows embedded by another are embedded again, never compared. */
  get model(): string {
    return this.embedder.model;
  }

  /** The shielded texts of `entries`, embedded in one call. */
  async embedEntries(entries: readonly KnowledgeText[]): Promise<{ ok: true; vectors: number[][] } | { ok: false; error: EmbeddingError }> {
    const texts = entries.map((entry) => embeddingText(entry, { hideNames: this.hideNames }));
    const result = await this.embedder.embed(texts, { signal: deadline(this.#timeoutMilliseconds) });
    return result.ok ? { ok: true, vectors: result.vectors } : result;
  }

  /** The vector of the incident at hand, or null (logged) when the model cannot give one: the search is then full-text only. */
  async queryVector(incidentId: string, entry: KnowledgeText): Promise<number[] | null> {
    const text = embeddingText(entry, { hideNames: this.hideNames });
    const key = createHash('sha256').update(text).digest('base64url');
    const cached = this.#queries.get(key);
    if (cached !== undefined) return cached;
    const result = await this.embedder.embed([text], { signal: deadline(this.#timeoutMilliseconds) });
    if (!result.ok) {
      this.log.warn(
        { incidentId, provider: this.embedder.provider, model: this.model, error: result.error.message, retryable: result.error.retryable },
        'similar incidents by full-text search only: the embedding model failed',
      );
      return null;
    }
    const [vector] = result.vectors;
    if (this.#queries.size >= cachedQueries) this.#queries.delete(this.#queries.keys().next().value!);
    this.#queries.set(key, vector!);
    return vector!;
  }
}
