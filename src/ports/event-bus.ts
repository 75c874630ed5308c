/** Something changed that live views (web console, chat cards) should re-render. */
export type BotEvent = { type: 'incident-updated'; incidentId: string };

/**
 * Live updates between the parts of one process, or across replicas when Redis is configured.
 * Delivery is best effort: correctness never depends on it (state lives in PostgreSQL).
 */
export interface EventBus {
  publish(event: BotEvent): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (event: BotEvent) => void): () => void;
  close(): Promise<void>;
}
