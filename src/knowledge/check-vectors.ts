import { invalidResponse } from '../brain/model-errors.ts';
import type { EmbeddingResult } from '../ports/embedding-port.ts';

/**
 * A provider's vectors as a result: one per text, all of one non-zero length, finite, not all zero (a zero
 * vector has no direction, so no cosine). Anything else is the provider's fault, not retryable.
 */
export function checkVectors(provider: string, vectors: number[][], expected: number, model: string): EmbeddingResult {
  if (vectors.length !== expected) return { ok: false, error: invalidResponse(provider, `${vectors.length} embeddings for ${expected} texts`) };
  const length = vectors[0]?.length ?? 0;
  for (const vector of vectors) {
    if (vector.length === 0 || vector.length !== length) return { ok: false, error: invalidResponse(provider, 'the embeddings differ in length') };
    if (!vector.every(Number.isFinite) || vector.every((value) => value === 0))
      return { ok: false, error: invalidResponse(provider, 'an embedding is not a direction (zero or not finite)') };
  }
  return { ok: true, vectors, model };
}
