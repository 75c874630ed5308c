import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../adapters/webconsole/coalesce.ts';

describe('coalesce', () => {
  it('runs one call at a time, queues at most one more, and never hands a late caller a result that started before it', async () => {
    const releases: (() => void)[] = [];
    let calls = 0;
    const read = coalesce(async () => {
      const call = ++calls;
      await new Promise<void>((resolve) => releases.push(resolve));
      return call;
    });
    const first = read();
    const late = [read(), read(), read()];
    expect(calls).toBe(1);
    releases.shift()!();
    expect(await first).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(2);
    releases.shift()!();
    expect(await Promise.all(late)).toEqual([2, 2, 2]);
    const after = read();
    releases.shift()!();
    expect(await after).toBe(3);
  });

  it('lets the queued call run even when the running one failed', async () => {
    let calls = 0;
    const read = coalesce(async () => {
      calls++;
      if (calls === 1) throw new Error('storage down');
      return 'cards';
    });
    const [failed, next] = [read(), read()];
    await expect(failed).rejects.toThrow('storage down');
    expect(await next).toBe('cards');
  });
});
