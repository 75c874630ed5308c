import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { embedBatchSize, embedPendingKnowledge } from './embed-knowledge.ts';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.ts';

export interface KnowledgeEmbedder {
  /** Entries may have been written (an incident resolved): embed now, or right after the pass in progress. */
  poke(): void;
  /** Ends the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

/**
 * Embeds the knowledge base on every replica (ADR 0034): when poked after an incident resolved, and every
 * `intervalMilliseconds` for entries a failed call, a dead process or a model change left without a vector —
 * the rows themselves are the durable to-do list. Pokes during a pass coalesce into one more pass; a failing
 * model is logged once per pass and asked again when the claims expire.
 */
export function startKnowledgeEmbedder(deps: { db: Kysely<DatabaseSchema>; embeddings: KnowledgeEmbeddings }, intervalMilliseconds: number): KnowledgeEmbedder {
  const { log } = deps.embeddings;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const drain = async () => {
    for (;;) {
      const pass = await embedPendingKnowledge(deps.db, deps.embeddings);
      if (pass.error !== null) {
        log.warn(
          { entries: pass.claimed, model: deps.embeddings.model, error: pass.error.message, retryable: pass.error.retryable },
          'knowledge entries not embedded (full-text search still finds them); asked again in a minute',
        );
        return;
      }
      if (pass.written > 0) log.info({ entries: pass.written, model: deps.embeddings.model }, 'knowledge entries embedded');
      if (pass.claimed < embedBatchSize || stopped) return;
    }
  };
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((error: unknown) => log.warn({ err: error }, 'knowledge entries not embedded; tried again next tick'))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    return running;
  };
  const timer = setInterval(run, intervalMilliseconds);
  timer.unref();
  void run();
  return {
    poke: () => {
      if (!stopped) void run();
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
