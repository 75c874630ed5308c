import { describe, expect, it } from 'vitest';
import { nodeRates } from '../../../src/finops/node-waste.ts';
import { annualOf, defaultPrices, formatMoney, roundToCents, storageMonthlyCost } from '../../../src/finops/pricing.ts';
import { idleDays, rightSized, wasted } from '../../../src/finops/waste.ts';

describe('FinOps arithmetic', () => {
  it('wasted = requested − actual × 1.2', () => {
    expect(wasted(1, 0.5)).toBeCloseTo(0.4, 12);
    expect(wasted(2, 0)).toBe(2);
    expect(wasted(0.5, 0.25, 1.5)).toBeCloseTo(0.125, 12);
  });

  it('never below zero: use within the buffer of the request, or above it, wastes nothing', () => {
    expect(wasted(1, 1 / 1.2)).toBeCloseTo(0, 12);
    expect(wasted(1, 0.9)).toBe(0);
    expect(wasted(1, 5)).toBe(0);
  });

  it('unknown or nonsense inputs waste nothing', () => {
    expect(wasted(0, 0)).toBe(0);
    expect(wasted(-1, 0)).toBe(0);
    expect(wasted(1, -0.5)).toBe(0);
    expect(wasted(Number.NaN, 0)).toBe(0);
    expect(wasted(1, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('right-sizes to use × 1.2, never above the current request', () => {
    expect(rightSized(0.5, 0.075)).toBeCloseTo(0.09, 12);
    expect(rightSized(0.5, 1)).toBe(0.5);
  });

  it('counts idle days back from the newest; a busy day or a gap ends the streak', () => {
    const day = (usedCores: number | null, requestedCores: number | null = 1) => ({ usedCores, requestedCores });
    expect(idleDays([day(0.5), day(0.001), day(0.009), day(0)])).toBe(3);
    expect(idleDays([day(0.001), day(0.01)])).toBe(0);
    expect(idleDays([day(0.001), day(null), day(0.001)])).toBe(1);
    expect(idleDays([day(0.001), day(0.001, null)])).toBe(0);
    expect(idleDays([day(0, 0)])).toBe(0);
    expect(idleDays([])).toBe(0);
  });

  it('annual is twelve months, from the unrounded monthly figure', () => {
    expect(annualOf(40.794)).toBeCloseTo(489.528, 9);
    expect(roundToCents(annualOf(40.794))).toBe(489.53);
    expect(roundToCents(annualOf(roundToCents(40.794)))).toBe(489.48);
  });

  it('rounds to cents half away from zero, floating-point error included', () => {
    expect(roundToCents(1.005)).toBe(1.01);
    expect(roundToCents(0.125)).toBe(0.13);
    expect(roundToCents(-0.125)).toBe(-0.13);
    expect(roundToCents(34.2649)).toBe(34.26);
    expect(roundToCents(0.004)).toBe(0);
  });

  it('prices storage by class, unknown classes at the default', () => {
    expect(storageMonthlyCost(50, defaultPrices, 'gp3')).toBeCloseTo(4, 12);
    expect(storageMonthlyCost(100, defaultPrices, 'gp2')).toBeCloseTo(10, 12);
    expect(storageMonthlyCost(100, defaultPrices, 'exotic')).toBeCloseTo(10, 12);
    expect(storageMonthlyCost(100, { ...defaultPrices, storageClasses: { fast: 0.3 } }, 'fast')).toBeCloseTo(30, 12);
  });

  it('a priced node type splits its hourly price over CPU and memory in the list-price ratio', () => {
    const prices = { ...defaultPrices, nodeTypes: { 'm6i.xlarge': 0.192 } };
    const node = { name: 'n', instanceType: 'm6i.xlarge', cpuCores: 4, memoryGiB: 16 };
    const rates = nodeRates(node, prices);
    expect(4 * rates.cpuCoreHour + 16 * rates.memoryGiBHour).toBeCloseTo(0.192, 12);
    expect(rates.cpuCoreHour / rates.memoryGiBHour).toBeCloseTo(0.0316 / 0.0042, 9);
    expect(nodeRates({ ...node, instanceType: 'other' }, prices)).toBe(prices);
  });

  it('formats money in the configured currency, at cents', () => {
    expect(formatMoney(1234.565, 'USD')).toBe('$1,234.57');
    expect(formatMoney(12, 'EUR')).toBe('€12.00');
  });
});
