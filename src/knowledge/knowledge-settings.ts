import { z } from 'zod';

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
  .transform((url) => url.replace(/\/+$/, ''));

/**
 * `knowledge.embeddings` in awoooi.yaml (ADR 0034), or AWOOOI_EMBEDDINGS_*: a text-embedding model that finds
 * similar past incidents by meaning, beside the full-text search. Absent: full-text search alone.
 */
const embeddingSettings = z
  .object({
    /** `ollama` (`/api/embed`) or `openai` (any `/v1/embeddings` server). */
    provider: z.enum(['ollama', 'openai']),
    /** e.g. nomic-embed-text (Ollama), text-embedding-3-small (OpenAI). */
    model: z.string().min(1),
    /** Ollama's host (default http://127.0.0.1:11434), or the OpenAI-compatible base URL ending in /v1 (default OpenAI's). */
    url: httpUrl.optional(),
    /** The OpenAI-compatible server's key; servers that want none get a placeholder. */
    apiKey: z.string().min(1).optional(),
    /** Runs on your own infrastructure; default: Ollama, or a URL on loopback, a private address or a cluster name. */
    local: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
    /** Cosine similarity from which a past incident counts as similar (model-dependent; 0.75 suits most). */
    minSimilarity: z.coerce.number().min(0).max(1).default(0.75),
    /** Deadline of one embedding call, seconds. */
    timeoutSeconds: z.coerce.number().positive().max(120).default(10),
  })
  .strict()
  .superRefine((settings, context) => {
    if (settings.provider === 'openai' && settings.url === undefined && settings.apiKey === undefined)
      context.addIssue({
        code: 'custom',
        path: ['apiKey'],
        message: 'openai embeddings need an API key (AWOOOI_EMBEDDINGS_API_KEY), or a url of a compatible server',
      });
  });

/** `knowledge` in awoooi.yaml: the knowledge base of resolved incidents (ADR 0022, ADR 0034). */
export const knowledgeSettings = z.object({ embeddings: embeddingSettings.optional() }).strict().default({});

export type KnowledgeSettings = z.infer<typeof knowledgeSettings>;
export type EmbeddingSettings = NonNullable<KnowledgeSettings['embeddings']>;
