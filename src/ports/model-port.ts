import type { BrainError } from './brain-port.ts';
import type { CallOptions } from './call-options.ts';

/** The providers the bot speaks to; each is one adapter. */
export type ModelProvider = 'ollama' | 'openai' | 'anthropic';

/**
 * One question to a language model: instructions, the (already pseudonymized) user message, and the JSON
 * Schema the answer must fit, which a provider enforces where it can (JSON mode, structured output).
 */
export interface ModelRequest {
  system: string;
  prompt: string;
  /** JSON Schema of the answer; the answer is validated again by the caller whatever the provider did with it. */
  schema: Record<string, unknown>;
  maxOutputTokens: number;
}

/** What a model said: the raw text of its answer (hostile input, parsed by the caller) and what it cost. */
export interface ModelAnswer {
  text: string;
  /** The model that answered, as the provider names it. */
  model: string;
  usage: { inputTokens: number; outputTokens: number } | null;
}

/** A provider's failure; `retryAfterSeconds` when the provider said how long to wait (a 429's Retry-After). */
export type ModelError = BrainError & { status?: number; retryAfterSeconds?: number };

/** A call's signal and, to stream, a callback that gets the answer's text so far as it grows. */
export interface ModelCallOptions extends CallOptions {
  /** When given, the adapter streams (where its provider can) and calls this with the text so far. */
  onText?: (textSoFar: string) => void;
}

export type ModelResult = { ok: true; answer: ModelAnswer } | { ok: false; error: ModelError };

/**
 * A language model behind one provider's API. Implemented by adapters/ollama, adapters/openai and
 * adapters/anthropic, each small and the same shape: it sends exactly the request it is given (never anything
 * else of the incident), streams when asked to (`onText`), passes `signal` to its HTTP client, does not retry on its own, and maps every failure
 * to a `ModelError` that says whether asking again could help (429, 5xx, timeouts: yes; other 4xx: no).
 */
export interface ModelPort {
  readonly provider: ModelProvider;
  readonly model: string;
  /**
   * The model runs on infrastructure of the operator (Ollama, a vLLM on the cluster): Kubernetes names need
   * not be pseudonymized for it by default. PII and secrets always are.
   */
  readonly local: boolean;
  complete(request: ModelRequest, options: ModelCallOptions): Promise<ModelResult>;
}
