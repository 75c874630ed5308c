import type { Config } from '../config/config-schema.ts';
import { KnowledgeEmbeddings } from '../knowledge/knowledge-embeddings.ts';
import type { EmbeddingPort } from '../ports/embedding-port.ts';
import type { Logger } from '../ports/logger.ts';
import { OllamaEmbedder } from '../../adapters/ollama/ollama-embedder.ts';
import { OpenAiEmbedder } from '../../adapters/openai/openai-embedder.ts';
import { defaultOllamaHost, isLocalEndpoint } from './choose-brain.ts';

/**
 * The knowledge base's embedding model (`knowledge.embeddings`, ADR 0034), or undefined when none is
 * configured (full-text search alone). Names are hidden from it as from the brain's models: by
 * `brain.pseudonymizeNames`, `auto` hiding them from a model that is not local.
 */
export function chooseEmbeddings(config: Config, log: Logger): KnowledgeEmbeddings | undefined {
  const settings = config.knowledge.embeddings;
  if (settings === undefined) return undefined;
  let embedder: EmbeddingPort;
  if (settings.provider === 'ollama') embedder = new OllamaEmbedder({ host: settings.url ?? defaultOllamaHost, model: settings.model });
  else
    embedder = new OpenAiEmbedder({
      apiKey: settings.apiKey,
      baseUrl: settings.url,
      model: settings.model,
      local: settings.local ?? (settings.url !== undefined && isLocalEndpoint(settings.url)),
    });
  const naming = config.brain.pseudonymizeNames;
  return new KnowledgeEmbeddings({
    embedder,
    hideNames: naming === 'always' || (naming === 'auto' && !embedder.local),
    minSimilarity: settings.minSimilarity,
    timeoutMilliseconds: settings.timeoutSeconds * 1000,
    log: log.child({ part: 'knowledge-embeddings' }),
    breaker: { failures: config.brain.breakerFailures, cooldownMilliseconds: config.brain.breakerCooldownSeconds * 1000 },
  });
}

/** The embedding model in words for the start-up log: "ollama nomic-embed-text (local)". */
export function embeddingsText(embeddings: KnowledgeEmbeddings | undefined): string {
  if (embeddings === undefined) return 'none (similar incidents by full-text search only)';
  const { embedder } = embeddings;
  return `${embedder.provider} ${embedder.model} (${embedder.local ? 'local' : 'cloud'}${embeddings.hideNames ? ', service names hidden' : ''})`;
}
