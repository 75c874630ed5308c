import { describe, expect, it } from 'vitest';
import { defaultPrices, formatUsd, monthlyCost, storageMonthlyCost } from '../../../src/finops/pricing.ts';

describe('pricing', () => {
  it('has the documented defaults', () => {
    expect(defaultPrices).toEqual({
      cpuCoreHour: 0.0316,
      memoryGiBHour: 0.0042,
      storageGiBMonth: 0.1,
      storageClasses: { gp3: 0.08, gp2: 0.1, io1: 0.125, st1: 0.045, sc1: 0.015, standard: 0.1 },
      nodeTypes: {},
      hoursPerMonth: 730,
      currency: 'USD',
    });
  });

  it('prices replicas × per-replica requests × hours, unrounded', () => {
    // (0.5 × 0.0316 + 1 × 0.0042) × 730 × 3 = 43.8
    expect(monthlyCost({ replicas: 3, cpuCores: 0.5, memoryGiB: 1 })).toBeCloseTo(43.8, 10);
    expect(monthlyCost({ replicas: 0, cpuCores: 4, memoryGiB: 16 })).toBe(0);
    expect(monthlyCost({ replicas: 1, cpuCores: 1, memoryGiB: 0 }, { ...defaultPrices, cpuCoreHour: 1 })).toBe(730);
  });

  it('prices storage per GiB-month', () => {
    expect(storageMonthlyCost(50)).toBeCloseTo(5, 10);
  });

  it('rounds to cents only when formatting', () => {
    expect(formatUsd(1234.565)).toBe('$1,234.57');
    expect(formatUsd(0.004)).toBe('$0.00');
    expect(formatUsd(29.2)).toBe('$29.20');
  });
});
