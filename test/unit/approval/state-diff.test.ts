import { describe, expect, it } from 'vitest';
import { stateDiff } from '../../../src/approval/state-diff.ts';

describe('stateDiff', () => {
  it('lists the keys whose values differ, with their values before and after', () => {
    const before = { uid: 'u1', resourceVersion: '1001', replicas: 3, readyReplicas: 3, pdb: null };
    const after = { uid: 'u1', resourceVersion: '1007', replicas: 5, readyReplicas: 5, pdb: null };
    expect(stateDiff(before, after)).toEqual({
      keys: ['readyReplicas', 'replicas', 'resourceVersion'],
      before: { readyReplicas: 3, replicas: 3, resourceVersion: '1001' },
      after: { readyReplicas: 5, replicas: 5, resourceVersion: '1007' },
    });
  });

  it('counts a key that appeared or vanished, and tells null from absent', () => {
    expect(stateDiff({ exists: true, uid: 'u1' }, { exists: false })).toEqual({
      keys: ['exists', 'uid'],
      before: { exists: true, uid: 'u1' },
      after: { exists: false },
    });
    expect(stateDiff({ node: null }, {})).toEqual({ keys: ['node'], before: { node: null }, after: {} });
  });

  it('is empty for equal states, and tells 1 from "1"', () => {
    expect(stateDiff({ a: 1, b: 'x' }, { b: 'x', a: 1 }).keys).toEqual([]);
    expect(stateDiff({ a: 1 }, { a: '1' }).keys).toEqual(['a']);
  });
});
