import { Redis } from 'ioredis';
import { z } from 'zod';
import type { BotEvent, EventBus } from '../ports/event-bus.ts';

const channel = 'awoooi:events';
const eventSchema = z.object({ type: z.literal('incident-updated'), incidentId: z.string().min(1).max(64) });

/**
 * Redis pub/sub, so that every replica behind the load balancer can push live updates to the browsers and
 * chats it serves. Messages from Redis are validated like any outside input.
 */
export class RedisEventBus implements EventBus {
  #publisher: Redis;
  #subscriber: Redis;
  #listeners = new Set<(event: BotEvent) => void>();
  #ready: Promise<unknown>;

  constructor(url: string) {
    this.#publisher = new Redis(url, { maxRetriesPerRequest: 2 });
    this.#subscriber = new Redis(url);
    // A lost Redis only costs live updates; ioredis reconnects by itself.
    this.#publisher.on('error', () => {});
    this.#subscriber.on('error', () => {});
    this.#ready = this.#subscriber.subscribe(channel);
    this.#subscriber.on('message', (_channel: string, message: string) => {
      let parsed: ReturnType<typeof eventSchema.safeParse>;
      try {
        parsed = eventSchema.safeParse(JSON.parse(message));
      } catch {
        return;
      }
      if (parsed.success) for (const listener of this.#listeners) listener(parsed.data);
    });
  }

  /** Resolves once the subscription is active (tests and start-up wait for it). */
  ready(): Promise<unknown> {
    return this.#ready;
  }

  async publish(event: BotEvent): Promise<void> {
    await this.#publisher.publish(channel, JSON.stringify(event)).catch(() => {});
  }

  subscribe(listener: (event: BotEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#subscriber.disconnect();
    this.#publisher.disconnect();
  }
}
