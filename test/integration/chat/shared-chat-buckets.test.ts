import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect } from 'vitest';
import { ChannelPacer } from '../../../src/chat/channel-pacer.ts';
import { redisLimiters, type SharedLimiters } from '../../../src/chat/redis-limiters.ts';
import type { ChatPacing } from '../../../src/ports/chat-port.ts';
import { needsService } from '../../support/needs-service.ts';
import { testRedisUrl } from '../../support/redis-availability.ts';

const pacing: ChatPacing = { post: { points: 1, perSeconds: 1, scope: 'channel' }, update: { points: 50, perSeconds: 60, scope: 'workspace' } };

describe('chat buckets shared through Redis', () => {
  const opened: SharedLimiters[] = [];
  afterEach(async () => {
    for (const limiters of opened.splice(0)) await limiters.close();
  });

  needsService('redis', 'two replicas share a channel bucket and a 429 pause, and other channels stay free', async () => {
    const [first, second] = [redisLimiters(testRedisUrl), redisLimiters(testRedisUrl)];
    opened.push(first, second);
    expect(await first.ready()).toBe(true);
    expect(await second.ready()).toBe(true);
    // A platform name of its own per run, so that buckets of earlier runs never count.
    const platform = `test-${randomBytes(4).toString('hex')}`;
    const replicaA = new ChannelPacer(platform, pacing, first.limiterOf);
    const replicaB = new ChannelPacer(platform, pacing, second.limiterOf);
    const channel = { workspace: 'T1', channel: 'C1' };

    expect(await replicaA.take('post', channel)).toBe(0);
    expect(await replicaB.take('post', channel)).toBeGreaterThan(0);
    expect(await replicaB.take('post', { ...channel, channel: 'C2' })).toBe(0);

    await replicaA.pause('update', channel, 20_000);
    expect(await replicaB.take('update', channel)).toBeGreaterThan(15_000);
  });
});
