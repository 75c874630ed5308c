import { Redis } from 'ioredis';
import { afterAll, describe, expect } from 'vitest';
import { RedisEventBus } from '../../src/events/redis-event-bus.ts';
import type { BotEvent } from '../../src/ports/event-bus.ts';
import { testRedisUrl } from '../support/redis-availability.ts';
import { needsService } from '../support/needs-service.ts';

function nextEvent(bus: RedisEventBus): Promise<BotEvent> {
  return new Promise((resolve) => {
    const unsubscribe = bus.subscribe((event) => {
      unsubscribe();
      resolve(event);
    });
  });
}

describe('RedisEventBus (real Redis)', () => {
  const buses: RedisEventBus[] = [];
  afterAll(async () => {
    for (const bus of buses) await bus.close();
  });

  needsService('redis', 'delivers an event published by one replica to another', async () => {
    const [first, second] = [new RedisEventBus(testRedisUrl), new RedisEventBus(testRedisUrl)];
    buses.push(first, second);
    await Promise.all([first.ready(), second.ready()]);
    const received = nextEvent(second);
    await first.publish({ type: 'incident-updated', incidentId: 'b3c1f0a2-0000-4000-8000-000000000001' });
    expect(await received).toEqual({ type: 'incident-updated', incidentId: 'b3c1f0a2-0000-4000-8000-000000000001' });
  });

  needsService('redis', 'ignores messages on the channel that are not valid events', async () => {
    const bus = new RedisEventBus(testRedisUrl);
    buses.push(bus);
    await bus.ready();
    const seen: BotEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    const raw = new Redis(testRedisUrl);
    await raw.publish('awoooi:events', 'not json');
    await raw.publish('awoooi:events', JSON.stringify({ type: 'drop-tables', incidentId: 'x' }));
    const valid = nextEvent(bus);
    await raw.publish('awoooi:events', JSON.stringify({ type: 'incident-updated', incidentId: 'after' }));
    await valid;
    raw.disconnect();
    expect(seen).toEqual([{ type: 'incident-updated', incidentId: 'after' }]);
  });
});
