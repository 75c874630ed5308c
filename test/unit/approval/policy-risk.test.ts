import { describe, expect, it } from 'vitest';
import { policyRisk } from '../../../src/approval/policy-risk.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';

const restart: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} };
const scale = (replicas: number): PlannedAction => ({
  action: 'scale_deployment',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: { replicas },
});
const deleteNamespace: PlannedAction = { action: 'delete_namespace', target: { kind: 'Namespace', name: 'shop' }, params: {} };

describe('policyRisk', () => {
  it('is the catalog risk without overrides, parameters included', () => {
    expect(policyRisk(restart)).toBe('MEDIUM');
    expect(policyRisk(scale(3))).toBe('MEDIUM');
    expect(policyRisk(scale(0))).toBe('HIGH');
    expect(policyRisk(deleteNamespace)).toBe('CRITICAL');
  });

  it('takes an override for the action, up or down', () => {
    expect(policyRisk(restart, { restart_deployment: 'LOW' })).toBe('LOW');
    expect(policyRisk(restart, { restart_deployment: 'HIGH' })).toBe('HIGH');
    expect(policyRisk(restart, { evict_pod: 'LOW' })).toBe('MEDIUM');
  });

  it('never lowers CRITICAL', () => {
    expect(policyRisk(deleteNamespace, { delete_namespace: 'LOW' })).toBe('CRITICAL');
  });

  it('lets parameter-dependent risk still raise an overridden action (scaling to zero stays HIGH)', () => {
    expect(policyRisk(scale(0), { scale_deployment: 'LOW' })).toBe('HIGH');
    expect(policyRisk(scale(2), { scale_deployment: 'LOW' })).toBe('LOW');
    expect(policyRisk(scale(0), { scale_deployment: 'CRITICAL' })).toBe('CRITICAL');
  });

  it('ignores inherited keys of the overrides object', () => {
    expect(policyRisk(restart, Object.create({ restart_deployment: 'LOW' }) as Record<string, 'LOW'>)).toBe('MEDIUM');
  });
});
