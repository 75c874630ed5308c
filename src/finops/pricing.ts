import type { WorkloadResources } from '../ports/cluster-port.ts';

/** Unit prices in USD. The one place where money figures come from; config may override them. */
export interface Prices {
  cpuCoreHour: number;
  memoryGiBHour: number;
  storageGiBMonth: number;
  hoursPerMonth: number;
}

/**
 * Roughly AWS on-demand, us-east-1: an m6i.large ($0.096/h for 2 vCPU, 8 GiB) split into a vCPU and
 * a GiB share (2 × $0.0316 + 8 × $0.0042 ≈ $0.097/h), EBS storage at $0.10 per GiB-month (gp3 lists at
 * $0.08, gp2 at $0.10: the round figure errs high), and 730 hours in an average month.
 * Good enough to rank and to size, not to invoice.
 */
export const defaultPrices: Prices = {
  cpuCoreHour: 0.0316,
  memoryGiBHour: 0.0042,
  storageGiBMonth: 0.1,
  hoursPerMonth: 730,
};

/** Monthly cost of a workload's requests, unrounded (round only when rendering). */
export function monthlyCost(resources: WorkloadResources, prices: Prices = defaultPrices): number {
  const perReplicaHour = resources.cpuCores * prices.cpuCoreHour + resources.memoryGiB * prices.memoryGiBHour;
  return resources.replicas * perReplicaHour * prices.hoursPerMonth;
}

/** Monthly cost of provisioned storage, unrounded. */
export function storageMonthlyCost(storageGiB: number, prices: Prices = defaultPrices): number {
  return storageGiB * prices.storageGiBMonth;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.57": money is rounded to cents here and only here. */
export function formatUsd(amount: number): string {
  return usd.format(amount);
}
