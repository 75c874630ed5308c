import { describe, expect, it } from 'vitest';
import { baseRiskOf, describeAction, validatePlannedAction } from '../../../src/actions/action-catalog.ts';
import { cpuCoresOf, memoryGiBOf, roundCpu, roundMemory } from '../../../src/actions/resource-quantity.ts';
import { policyRisk } from '../../../src/approval/policy-risk.ts';
import { modelActions } from '../../../src/brain/model-answer-schema.ts';
import { rightSize } from '../../../src/finops/workload-waste.ts';
import type { InventoryWorkload, PlannedAction } from '../../../src/ports/cluster-port.ts';

const target = { kind: 'Deployment', namespace: 'shop', name: 'checkout' };
const setResources = (params: unknown) => validatePlannedAction({ action: 'set_resources', target, params });

describe('set_resources parameters', () => {
  it('accepts a container with Kubernetes quantities for requests and limits, MEDIUM before policy', () => {
    const result = setResources({ container: 'checkout', requests: { cpu: '90m', memory: '368Mi' }, limits: { memory: '1Gi' } });
    expect(result.ok).toBe(true);
    const planned = (result as { action: PlannedAction }).action;
    expect(baseRiskOf(planned)).toBe('MEDIUM');
    expect(policyRisk(planned, { set_resources: 'HIGH' })).toBe('HIGH');
    expect(describeAction(planned)).toBe(
      'set requests of container checkout in deployment shop/checkout to cpu 90m, memory 368Mi, limits memory 1Gi (pods are replaced, rolling)',
    );
  });

  it.each([
    ['zero CPU', { container: 'c', requests: { cpu: '0' } }],
    ['zero millicores', { container: 'c', requests: { cpu: '0m' } }],
    ['zero memory', { container: 'c', requests: { memory: '0Mi' } }],
    ['memory under 4Mi', { container: 'c', requests: { memory: '1Mi' } }],
    ['CPU above 256 cores', { container: 'c', requests: { cpu: '300' } }],
    ['memory above 1Ti', { container: 'c', requests: { memory: '2Ti' } }],
    ['a negative quantity', { container: 'c', requests: { cpu: '-100m' } }],
    ['an exponent', { container: 'c', requests: { cpu: '1e3' } }],
    ['a number instead of a string', { container: 'c', requests: { cpu: 0.5 } }],
    ['a memory unit on CPU', { container: 'c', requests: { cpu: '100Mi' } }],
    ['no request at all', { container: 'c', requests: {} }],
    ['empty limits', { container: 'c', requests: { cpu: '100m' }, limits: {} }],
    ['a request above its limit', { container: 'c', requests: { cpu: '2' }, limits: { cpu: '1' } }],
    ['an unknown resource', { container: 'c', requests: { cpu: '100m', 'nvidia.com/gpu': '1' } }],
    ['an extra parameter', { container: 'c', requests: { cpu: '100m' }, restart: true }],
    ['an invalid container name', { container: 'Checkout_1', requests: { cpu: '100m' } }],
    ['no container', { requests: { cpu: '100m' } }],
  ])('rejects %s', (_label, params) => {
    expect(setResources(params)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('acts on a Deployment only', () => {
    const result = validatePlannedAction({
      action: 'set_resources',
      target: { ...target, kind: 'StatefulSet' },
      params: { container: 'c', requests: { cpu: '1' } },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_target' } });
  });

  it('is not offered to models (ADR 0035)', () => {
    expect(modelActions.map((entry) => entry.name)).not.toContain('set_resources');
  });
});

describe('quantities and rounding', () => {
  it('reads CPU and memory quantities', () => {
    expect(cpuCoresOf('250m')).toBe(0.25);
    expect(cpuCoresOf('1.5')).toBe(1.5);
    expect(memoryGiBOf('512Mi')).toBe(0.5);
    expect(memoryGiBOf('1G')).toBeCloseTo(0.9313, 4);
    expect(cpuCoresOf('1Gi')).toBeNull();
  });

  it('rounds CPU up to 10 millicores and memory up to 16Mi, never to zero', () => {
    expect(roundCpu(0.09)).toBe('90m');
    expect(roundCpu(0.0901)).toBe('100m');
    expect(roundCpu(0.0001)).toBe('10m');
    expect(roundCpu(1.2)).toBe('1200m');
    expect(roundMemory(0.36)).toBe('384Mi');
    expect(roundMemory(368 / 1024)).toBe('368Mi');
    expect(roundMemory(0.001)).toBe('16Mi');
  });
});

describe('rightSize (FinOps)', () => {
  const workload: InventoryWorkload = {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'checkout',
    replicas: 1,
    cpuCores: 0.5,
    memoryGiB: 1,
    containers: ['checkout'],
  };

  it('proposes set_resources with the right-sized requests rounded up', () => {
    expect(rightSize(workload, 0.09, 0.36)).toEqual({
      action: 'set_resources',
      target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      params: { container: 'checkout', requests: { cpu: '90m', memory: '384Mi' } },
    });
  });

  it('leaves out a request that rounding would not lower, and memory without a measured peak', () => {
    expect(rightSize({ ...workload, memoryGiB: 0.37 }, 0.09, 0.36)?.params).toEqual({ container: 'checkout', requests: { cpu: '90m' } });
    expect(rightSize(workload, 0.09, null)?.params).toEqual({ container: 'checkout', requests: { cpu: '90m' } });
    expect(rightSize({ ...workload, cpuCores: 0.095, memoryGiB: 0.37 }, 0.0901, 0.36)).toBeNull();
  });

  it('has no action for a StatefulSet, several containers or unknown containers', () => {
    expect(rightSize({ ...workload, kind: 'StatefulSet' }, 0.09, 0.36)).toBeNull();
    expect(rightSize({ ...workload, containers: ['checkout', 'sidecar'] }, 0.09, 0.36)).toBeNull();
    const { containers: _none, ...unknown } = workload;
    expect(rightSize(unknown, 0.09, 0.36)).toBeNull();
  });
});
