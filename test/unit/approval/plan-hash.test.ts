import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/domain/canonical-json.ts';
import { planHash } from '../../../src/approval/plan-hash.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';

const planned: PlannedAction = {
  action: 'scale_deployment',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: { replicas: 5 },
};
const state = { uid: 'u-1', resourceVersion: '1022', replicas: 3, readyReplicas: 3, pdbDisruptionsAllowed: 1 };

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('leaves out undefined members, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe(canonicalJson({ b: 1 }));
  });

  it('keeps a __proto__ key as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });
});

describe('planHash', () => {
  const base = planHash(planned, state);

  it('is a sha256 hex digest', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered: PlannedAction = {
      params: { replicas: 5 },
      target: { name: 'checkout', namespace: 'shop', kind: 'Deployment' },
      action: 'scale_deployment',
    };
    const reorderedState = { pdbDisruptionsAllowed: 1, readyReplicas: 3, replicas: 3, resourceVersion: '1022', uid: 'u-1' };
    expect(planHash(reordered, reorderedState)).toBe(base);
  });

  it.each([
    ['the action', { ...planned, action: 'restart_deployment' } as PlannedAction, state],
    ['the target name', { ...planned, target: { ...planned.target, name: 'cart' } }, state],
    ['the target namespace', { ...planned, target: { ...planned.target, namespace: 'staging' } }, state],
    ['a parameter', { ...planned, params: { replicas: 6 } }, state],
    ['the resourceVersion seen', planned, { ...state, resourceVersion: '1023' }],
    ['the uid seen', planned, { ...state, uid: 'u-2' }],
    ['the replica count seen', planned, { ...state, readyReplicas: 2 }],
    ['the PDB headroom seen', planned, { ...state, pdbDisruptionsAllowed: 0 }],
  ])('changes when %s changes', (_label, changedPlan, changedState) => {
    expect(planHash(changedPlan, changedState)).not.toBe(base);
  });

  it('tells a number from its string', () => {
    expect(planHash(planned, { ...state, replicas: '3' })).not.toBe(base);
  });
});
