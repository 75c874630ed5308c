import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { thoughtStream } from '../../../src/analysis/thought-stream.ts';
import type { Thought } from '../../../src/ports/brain-port.ts';

const thought = (text: string): Thought => ({ by: 'ollama llama3.1:8b', text });

describe('thoughtStream: a streaming diagnosis written in place, throttled', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first thought at once, then at most one per interval (the latest), and nothing after settle', async () => {
    const written: string[] = [];
    const stream = thoughtStream({ write: async (next) => void written.push(next.text), intervalMilliseconds: 1000 });
    stream.onThought(thought('T'));
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual(['T']);
    stream.onThought(thought('Th'));
    stream.onThought(thought('The'));
    stream.onThought(thought('The o'));
    await vi.advanceTimersByTimeAsync(999);
    expect(written).toEqual(['T']);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual(['T', 'The o']);
    stream.onThought(thought('The orders'));
    await stream.settle();
    stream.onThought(thought('The orders db'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toEqual(['T', 'The o']);
  });

  it('waits for a write in flight when settling, so the final diagnosis lands after it', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const stream = thoughtStream({
      write: (next) =>
        new Promise<void>((resolve) => {
          release = () => {
            order.push(`wrote ${next.text}`);
            resolve();
          };
        }),
      intervalMilliseconds: 1000,
    });
    stream.onThought(thought('slow'));
    await vi.advanceTimersByTimeAsync(0);
    const settled = stream.settle().then(() => order.push('settled'));
    await vi.advanceTimersByTimeAsync(10);
    expect(order).toEqual([]);
    release();
    await settled;
    expect(order).toEqual(['wrote slow', 'settled']);
  });

  it('reports a failed write and goes on', async () => {
    const errors: unknown[] = [];
    const stream = thoughtStream({
      write: async () => Promise.reject(new Error('database away')),
      intervalMilliseconds: 10,
      onError: (error) => errors.push(error),
    });
    stream.onThought(thought('x'));
    await vi.advanceTimersByTimeAsync(0);
    await stream.settle();
    expect(errors).toHaveLength(1);
  });
});
