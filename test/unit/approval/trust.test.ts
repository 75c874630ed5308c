import { describe, expect, it } from 'vitest';
import { parameterRisk } from '../../../src/approval/policy-risk.ts';
import { adjustRisk, earnsTrust, nameStem, nextTrustScore, trustPattern } from '../../../src/approval/trust.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';

describe('trustPattern', () => {
  const pod = (name: string): PlannedAction => ({ action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name }, params: {} });

  it('names action, namespace and name stem', () => {
    const restart: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} };
    expect(trustPattern(restart)).toBe('restart_deployment:shop/checkout*');
  });

  it('gives every pod of a deployment one pattern', () => {
    expect(trustPattern(pod('checkout-7d9f8b6c5d-x2k4p'))).toBe('evict_pod:shop/checkout*');
    expect(trustPattern(pod('checkout-7d9f8b6c5d-xkbzp'))).toBe('evict_pod:shop/checkout*');
    expect(trustPattern(pod('checkout-5c6b9d4f7b-qq8rt'))).toBe('evict_pod:shop/checkout*');
  });

  it('keeps the patterns of different actions and cluster-scoped targets apart', () => {
    const cordon: PlannedAction = { action: 'cordon_node', target: { kind: 'Node', name: 'node-3' }, params: {} };
    expect(trustPattern(cordon)).toBe('cordon_node:node*');
    expect(trustPattern({ ...pod('checkout-7d9f8b6c5d-x2k4p'), action: 'delete_pvc' })).not.toBe(trustPattern(pod('checkout-7d9f8b6c5d-x2k4p')));
  });

  it.each([
    ['api-7d9f-x2k', 'api'],
    ['orders-db-0', 'orders-db'],
    ['nginx-proxy', 'nginx-proxy'],
    ['order-service', 'order-service'],
    ['web', 'web'],
    ['123', '123'],
  ])('stem of %s is %s', (name, stem) => {
    expect(nameStem(name)).toBe(stem);
  });
});

describe('adjustRisk', () => {
  it.each([
    ['MEDIUM', 4, 'MEDIUM', false],
    ['MEDIUM', 5, 'LOW', true],
    ['MEDIUM', 9, 'LOW', true],
    ['MEDIUM', 10, 'LOW', true],
    ['HIGH', 4, 'HIGH', false],
    ['HIGH', 5, 'HIGH', false],
    ['HIGH', 9, 'HIGH', false],
    ['HIGH', 10, 'MEDIUM', true],
    ['HIGH', 50, 'MEDIUM', true],
    ['LOW', 10, 'LOW', false],
    ['CRITICAL', 0, 'CRITICAL', false],
    ['CRITICAL', 5, 'CRITICAL', false],
    ['CRITICAL', 10, 'CRITICAL', false],
    ['CRITICAL', 1000, 'CRITICAL', false],
  ] as const)('%s at trust %i → %s', (base, score, risk, lowered) => {
    const adjusted = adjustRisk(base, score);
    expect(adjusted.risk).toBe(risk);
    expect(adjusted.lowered).toBe(lowered);
    expect(adjusted.reason === null).toBe(!lowered);
  });

  it('never lowers below the risk the parameters raised (scale to 0 stays HIGH however trusted)', () => {
    const toZero: PlannedAction = { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { replicas: 0 } };
    const floor = parameterRisk(toZero);
    expect(floor).toBe('HIGH');
    for (const score of [10, 11, 100])
      expect(adjustRisk('HIGH', score, 'scale_deployment:shop/checkout*', floor)).toEqual({ risk: 'HIGH', lowered: false, reason: null });
    // Parameters that raise nothing leave trust its say.
    const toThree: PlannedAction = { ...toZero, params: { replicas: 3 } };
    expect(parameterRisk(toThree)).toBeUndefined();
    expect(adjustRisk('MEDIUM', 5, undefined, parameterRisk(toThree)).risk).toBe('LOW');
    // A floor below the lowered risk does not stop it.
    expect(adjustRisk('HIGH', 10, undefined, 'MEDIUM').risk).toBe('MEDIUM');
    expect(adjustRisk('MEDIUM', 5, undefined, 'MEDIUM').risk).toBe('MEDIUM');
  });

  it('says why, naming the pattern', () => {
    expect(adjustRisk('MEDIUM', 7, 'restart_deployment:shop/checkout*').reason).toBe('auto-approved: trust 7 for restart_deployment:shop/checkout*');
    expect(adjustRisk('HIGH', 10, 'cordon_node:node*').reason).toContain('trust 10 for cordon_node:node*');
  });
});

describe('earnsTrust', () => {
  it('only executions people approved earn trust: automatic LOW runs earn nothing', () => {
    expect(earnsTrust('LOW')).toBe(false);
    for (const risk of ['MEDIUM', 'HIGH', 'CRITICAL'] as const) expect(earnsTrust(risk)).toBe(true);
  });
});

describe('nextTrustScore', () => {
  it('adds one for a successful approved execution', () => {
    expect(nextTrustScore(4, 'executed_ok')).toBe(5);
  });

  it('resets to zero on a single reject', () => {
    expect(nextTrustScore(9, 'rejected')).toBe(0);
  });

  it('leaves the score alone on a failure', () => {
    expect(nextTrustScore(6, 'failed')).toBe(6);
  });
});
