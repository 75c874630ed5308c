import type { WorkloadResources } from '../ports/cluster-port.ts';

/** Unit prices, in `currency`. The one place where money figures come from; config may override every one. */
export interface Prices {
  cpuCoreHour: number;
  memoryGiBHour: number;
  /** Storage of a class not listed in `storageClasses` (and of claims without a class). */
  storageGiBMonth: number;
  /** Per GiB-month, by storage class name (gp3, standard, premium-rwo …). */
  storageClasses: Record<string, number>;
  /** Per node-hour, by instance type (node.kubernetes.io/instance-type); a node of a listed type is priced by it. */
  nodeTypes: Record<string, number>;
  hoursPerMonth: number;
  /** ISO 4217 code, e.g. USD, EUR. */
  currency: string;
}

/**
 * Roughly AWS on-demand, us-east-1: an m6i.large ($0.096/h for 2 vCPU, 8 GiB) split into a vCPU and
 * a GiB share (2 × $0.0316 + 8 × $0.0042 ≈ $0.097/h), EBS storage at $0.10 per GiB-month (gp3 lists at
 * $0.08, gp2 at $0.10, io1 at $0.125, st1 at $0.045: the round figure for unknown classes errs high), and 730 hours
 * in an average month. Good enough to rank and to size, not to invoice.
 */
export const defaultPrices: Prices = {
  cpuCoreHour: 0.0316,
  memoryGiBHour: 0.0042,
  storageGiBMonth: 0.1,
  storageClasses: { gp3: 0.08, gp2: 0.1, io1: 0.125, st1: 0.045, sc1: 0.015, standard: 0.1 },
  nodeTypes: {},
  hoursPerMonth: 730,
  currency: 'USD',
};

/** Months in a year: annual figures are twelve of the monthly ones (730 h × 12 = 8,760 h). */
export const monthsPerYear = 12;

/** Monthly cost of a workload's requests, unrounded (round only when rendering). */
export function monthlyCost(resources: WorkloadResources, prices: Prices = defaultPrices): number {
  const perReplicaHour = resources.cpuCores * prices.cpuCoreHour + resources.memoryGiB * prices.memoryGiBHour;
  return resources.replicas * perReplicaHour * prices.hoursPerMonth;
}

/** Monthly cost of provisioned storage of a class (the default storage price for an unknown or absent class), unrounded. */
export function storageMonthlyCost(storageGiB: number, prices: Prices = defaultPrices, storageClass?: string | null): number {
  const perGiB = storageClass == null ? prices.storageGiBMonth : (prices.storageClasses[storageClass] ?? prices.storageGiBMonth);
  return storageGiB * perGiB;
}

/** An annual figure from a monthly one, unrounded. */
export function annualOf(monthly: number): number {
  return monthly * monthsPerYear;
}

/** Money as stored and sent in JSON: rounded half away from zero to cents (so 0.125 → 0.13, −0.125 → −0.13). */
export function roundToCents(amount: number): number {
  const cents = Math.round(Math.abs(amount) * 100 + 1e-9) / 100;
  return amount < 0 ? -cents : cents;
}

const formats = new Map<string, Intl.NumberFormat>();

/** "$1,234.57", "€12.00": money is rounded to cents when rendered. */
export function formatMoney(amount: number, currency = 'USD'): string {
  let format = formats.get(currency);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formats.set(currency, format);
  }
  return format.format(roundToCents(amount));
}

/** "$1,234.57". */
export function formatUsd(amount: number): string {
  return formatMoney(amount, 'USD');
}
