import { describe, expect, it } from 'vitest';
import { analysisPacer } from '../../../src/analysis/analysis-pacer.ts';

function fakeTime() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    advance: (milliseconds: number) => {
      now += milliseconds;
    },
    time: {
      now: () => now,
      sleep: async (milliseconds: number) => {
        slept.push(milliseconds);
        now += milliseconds;
      },
    },
  };
}

describe('analysisPacer', () => {
  it('lets the first analysis of an incident start at once and spaces the next ones by the interval', async () => {
    const clock = fakeTime();
    const pace = analysisPacer(250, { time: clock.time, maxSpacingMilliseconds: 2000 });
    await pace('a');
    expect(clock.slept).toEqual([]);
    clock.advance(100);
    await pace('a');
    expect(clock.slept).toEqual([150]);
    clock.advance(400);
    await pace('a');
    expect(clock.slept).toEqual([150]);
  });

  it('paces each incident on its own', async () => {
    const clock = fakeTime();
    const pace = analysisPacer(250, { time: clock.time, maxSpacingMilliseconds: 2000 });
    await pace('a');
    await pace('b');
    await pace('c');
    expect(clock.slept).toEqual([]);
  });
});

describe('analysisPacer on slow analyses', () => {
  it('spaces the next analysis of an incident by twenty times the last one’s duration when that is longer', async () => {
    const clock = fakeTime();
    const pace = analysisPacer(250, { time: clock.time, maxSpacingMilliseconds: 2000 });
    const finished = await pace('a');
    clock.advance(60);
    finished();
    await pace('a');
    expect(clock.slept).toEqual([1140]);
    // Fast again: back to the interval.
    const fast = await pace('b');
    clock.advance(5);
    fast();
    await pace('b');
    expect(clock.slept).toEqual([1140, 245]);
  });
});

describe('analysisPacer on very slow analyses', () => {
  it('never spaces them further apart than the most a card may lag behind its alerts', async () => {
    const clock = fakeTime();
    const pace = analysisPacer(250, { time: clock.time });
    const finished = await pace('a');
    clock.advance(400);
    finished();
    await pace('a');
    expect(clock.slept).toEqual([100]);
  });
});
