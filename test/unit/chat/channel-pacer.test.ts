import { describe, expect, it } from 'vitest';
import { ChannelPacer } from '../../../src/chat/channel-pacer.ts';
import type { ChatPacing } from '../../../src/ports/chat-port.ts';

const pacing: ChatPacing = {
  post: { points: 1, perSeconds: 1, scope: 'channel' },
  update: { points: 2, perSeconds: 60, scope: 'workspace' },
};
const busy = { workspace: 'T1', channel: 'C_BUSY' };
const quiet = { workspace: 'T1', channel: 'C_QUIET' };
const elsewhere = { workspace: 'T2', channel: 'C_BUSY' };

describe('ChannelPacer', () => {
  it('gives each channel its own bucket: a busy channel never holds up another', async () => {
    const pacer = new ChannelPacer('slack', pacing);
    expect(await pacer.take('post', busy)).toBe(0);
    const wait = await pacer.take('post', busy);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(await pacer.take('post', quiet)).toBe(0);
    expect(await pacer.take('post', elsewhere)).toBe(0);
  });

  it('counts a workspace-scoped limit across its channels only', async () => {
    const pacer = new ChannelPacer('slack', pacing);
    expect(await pacer.take('update', busy)).toBe(0);
    expect(await pacer.take('update', quiet)).toBe(0);
    expect(await pacer.take('update', busy)).toBeGreaterThan(1000);
    expect(await pacer.take('update', elsewhere)).toBe(0);
  });

  it('closes a bucket for as long as a 429 asked, leaving the others open', async () => {
    const pacer = new ChannelPacer('slack', pacing);
    await pacer.pause('post', busy, 30_000);
    expect(await pacer.take('post', busy)).toBeGreaterThan(25_000);
    expect(await pacer.take('post', quiet)).toBe(0);
    expect(await pacer.take('update', busy)).toBe(0);
  });
});
