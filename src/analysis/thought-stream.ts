import { sql, type Kysely } from 'kysely';
import type { Thought } from '../ports/brain-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** A model's diagnosis as it streams in, written to the incident at most every `intervalMilliseconds`. */
export interface ThoughtStream {
  onThought(thought: Thought): void;
  /** No more writes: the pending one is dropped, the one in flight waited for. Call before storing the final diagnosis. */
  settle(): Promise<void>;
}

export interface ThoughtStreamOptions {
  /** Stores one thought and tells the cards (`storeThought`, then an `incident-updated` event). */
  write: (thought: Thought) => Promise<void>;
  intervalMilliseconds: number;
  /** A write that fails (database away) costs only the live view; the final diagnosis is stored as usual. */
  onError?: (error: unknown) => void;
}

/**
 * Throttled, in-place updates of `analysis.diagnosis` while a model thinks ("ollama … (thinking…)"), so the web
 * console and chat cards show the diagnosis grow without a write per token. The final diagnosis replaces it.
 */
export function thoughtStream(options: ThoughtStreamOptions): ThoughtStream {
  let latest: Thought | null = null;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let lastWrite = 0;
  let settled = false;

  const write = () => {
    timer = null;
    const thought = latest;
    latest = null;
    if (thought === null || settled) return;
    lastWrite = Date.now();
    inFlight = inFlight.then(async () => {
      try {
        await options.write(thought);
      } catch (error) {
        options.onError?.(error);
      }
    });
  };

  return {
    onThought(thought) {
      if (settled) return;
      latest = thought;
      if (timer !== null) return;
      timer = setTimeout(write, Math.max(0, lastWrite + options.intervalMilliseconds - Date.now()));
      timer.unref();
    },
    async settle() {
      settled = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}

/** The thought as the incident's diagnosis for now: "ollama llama3.1:8b (thinking…)"; the final one replaces it. */
export async function storeThought(db: Kysely<DatabaseSchema>, incidentId: string, thought: Thought): Promise<void> {
  const stored = JSON.stringify({ source: 'llm', text: thought.text, by: `${thought.by} (thinking…)` });
  await db
    .updateTable('incidents')
    .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || jsonb_build_object('diagnosis', ${stored}::jsonb)` })
    .where('id', '=', incidentId)
    .execute();
}
