import { EventEmitter } from 'node:events';
import type { BotEvent, EventBus } from '../ports/event-bus.ts';

/** The single-replica event bus, used when no REDIS_URL is configured. */
export class InProcessEventBus implements EventBus {
  #emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: BotEvent): Promise<void> {
    this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: BotEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners();
  }
}
