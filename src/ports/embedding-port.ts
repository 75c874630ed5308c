import type { CallOptions } from './call-options.ts';

/** The embedding providers the bot speaks to; each is one adapter. */
export type EmbeddingProvider = 'ollama' | 'openai';

/** Why texts were not embedded; `retryable` says whether asking again later could help (429, 5xx, timeouts). */
export interface EmbeddingError {
  code: 'unavailable' | 'timeout' | 'rate_limited' | 'invalid_response' | 'failed';
  message: string;
  retryable: boolean;
  status?: number;
}

/** One vector per text given, in the same order, all of one length; `model` as the provider names it. */
export type EmbeddingResult = { ok: true; vectors: number[][]; model: string } | { ok: false; error: EmbeddingError };

/**
 * A text-embedding model behind one provider's API (adapters/ollama: `/api/embed`; adapters/openai: any
 * `/v1/embeddings` server). It embeds exactly the texts it is given (already shielded by the caller: PII and
 * secrets pseudonymized, see src/knowledge/embedding-text.ts), passes `signal` to its HTTP client, does not
 * retry on its own, and maps every failure to an `EmbeddingError` value rather than throwing.
 */
export interface EmbeddingPort {
  readonly provider: EmbeddingProvider;
  /** The configured model: vectors of different models are never compared (their spaces differ). */
  readonly model: string;
  /** Runs on the operator's own infrastructure: Kubernetes names need not be hidden from it by default. */
  readonly local: boolean;
  embed(texts: readonly string[], options: CallOptions): Promise<EmbeddingResult>;
}
