import { createHash } from 'node:crypto';
import { type BreakerSettings, CircuitBreaker } from '../brain/circuit-breaker.ts';
import { deadline } from '../ports/call-options.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
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
  /** When queries stop asking a failing model (the brain's breaker settings); default 3 failures, 30 s. */
  breaker?: BreakerSettings;
  clock?: Clock;
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
  // A dead or hanging model would otherwise cost every card build its deadline.
  readonly #breaker: CircuitBreaker;

  constructor(options: KnowledgeEmbeddingsOptions) {
    this.embedder = options.embedder;
    this.minSimilarity = options.minSimilarity;
    this.log = options.log;
    this.hideNames = options.hideNames;
    this.#timeoutMilliseconds = options.timeoutMilliseconds;
    this.#breaker = new CircuitBreaker(options.breaker ?? { failures: 3, cooldownMilliseconds: 30_000 }, options.clock ?? systemClock);
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

  /**
   * The vector of the incident at hand, or null (logged) when the model cannot give one or has failed repeatedly
   * (a circuit breaker: skipped until its cooldown is over): the search is then full-text only.
   */
  async queryVector(incidentId: string, entry: KnowledgeText): Promise<number[] | null> {
    const text = embeddingText(entry, { hideNames: this.hideNames });
    const key = createHash('sha256').update(text).digest('base64url');
    const cached = this.#queries.get(key);
    if (cached !== undefined) return cached;
    if (!this.#breaker.allow()) {
      this.log.debug({ incidentId, model: this.model }, 'similar incidents by full-text search only: the embedding model failed repeatedly, skipped for now');
      return null;
    }
    const result = await this.embedder.embed([text], { signal: deadline(this.#timeoutMilliseconds) });
    if (result.ok) this.#breaker.succeeded();
    else this.#breaker.failed();
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
