import { describe, expect, it } from 'vitest';
import { costAtStake } from '../../../src/finops/cost-at-stake.ts';
import type { PlannedAction, WorkloadResources } from '../../../src/ports/cluster-port.ts';

const checkout: WorkloadResources = { replicas: 3, cpuCores: 0.5, memoryGiB: 1 };
const payments: WorkloadResources = { replicas: 2, cpuCores: 0.5, memoryGiB: 0.5 };
const scale = (replicas: number): PlannedAction => ({
  action: 'scale_deployment',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: { replicas },
});

describe('costAtStake', () => {
  it('sums the affected services and prices a scale-up', () => {
    const result = costAtStake({
      affected: [
        { service: 'checkout', resources: checkout },
        { service: 'payments', resources: payments },
        { service: 'orders-db', resources: null },
      ],
      proposal: { planned: scale(5), before: checkout },
    });
    expect(result.monthlyAtStake).toBeCloseTo(69.934, 10);
    expect(result.byService.map((entry) => entry.service)).toEqual(['checkout', 'payments']);
    expect(result.unknown).toEqual(['orders-db']);
    expect(result.actionDelta?.monthly).toBeCloseTo(29.2, 10);
    expect(result.actionDelta?.text).toBe('scaling checkout 3 → 5 replicas adds $29.20/month');
    expect(result.text).toBe(
      '$69.93/month at stake (checkout $43.80, payments $26.13); cost unknown for orders-db (no resource requests known); ' +
        'scaling checkout 3 → 5 replicas adds $29.20/month',
    );
  });

  it('prices a scale-down as a saving', () => {
    const result = costAtStake({ affected: [], proposal: { planned: scale(1), before: checkout } });
    expect(result.actionDelta?.monthly).toBeCloseTo(-29.2, 10);
    expect(result.actionDelta?.text).toBe('scaling checkout 3 → 1 replica saves $29.20/month');
  });

  it('says so when scaling changes nothing', () => {
    expect(costAtStake({ affected: [], proposal: { planned: scale(3), before: checkout } }).actionDelta?.text).toContain('does not change');
  });

  it('states unknown resources and never invents a figure', () => {
    const result = costAtStake({ affected: [{ service: 'api', resources: null }], proposal: { planned: scale(5), before: null } });
    expect(result.monthlyAtStake).toBe(0);
    expect(result.byService).toEqual([]);
    expect(result.actionDelta).toBeNull();
    expect(result.text).toBe('cost unknown for api (no resource requests known); cost change of scaling checkout unknown (no resource requests known)');
    expect(result.text).not.toContain('$');
  });

  it('has no delta for actions that do not change requests', () => {
    const restart: PlannedAction = { ...scale(0), action: 'restart_deployment', params: {} };
    const result = costAtStake({ affected: [{ service: 'checkout', resources: checkout }], proposal: { planned: restart, before: checkout } });
    expect(result.actionDelta).toBeNull();
    expect(result.text).toBe('$43.80/month at stake (checkout $43.80)');
  });

  it('keeps money unrounded until render', () => {
    const tiny: WorkloadResources = { replicas: 1, cpuCores: 0.001, memoryGiB: 0 };
    const result = costAtStake({
      affected: [
        { service: 'a', resources: tiny },
        { service: 'b', resources: tiny },
        { service: 'c', resources: tiny },
      ],
    });
    expect(result.monthlyAtStake).toBeCloseTo(3 * 0.001 * 0.0316 * 730, 12);
    expect(result.text.startsWith('$0.07/month')).toBe(true);
  });
});
