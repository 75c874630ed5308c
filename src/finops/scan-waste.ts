import { deadline, failureText } from '../ports/call-options.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterInventory, ClusterPort, InventoryWorkload } from '../ports/cluster-port.ts';
import type { CostAllocationPort, PodUsage, UsagePort, WorkloadRates } from '../ports/usage-port.ts';
import type { FinOpsReport, MoneyFigure } from './finops-report.ts';
import { nodeWaste } from './node-waste.ts';
import { annualOf, roundToCents, type Prices } from './pricing.ts';
import { storageWaste } from './storage-waste.ts';
import { usageByWorkload } from './usage-by-workload.ts';
import { type UnitRates, workloadWaste } from './workload-waste.ts';

export interface ScanDependencies {
  cluster: Pick<ClusterPort, 'description' | 'simulated' | 'inventory'>;
  /** Null: no usage source (a real cluster without PROMETHEUS_URL); only storage is judged, and the report says so. */
  usage: UsagePort | null;
  /** OpenCost, where configured: its rates replace the list prices for the workloads it allocated. */
  allocation: CostAllocationPort | null;
  prices: Prices;
  clock: Clock;
  zombieDays: number;
  minimumMonthly: number;
  /** Deadline of each outside call. */
  timeoutMilliseconds: number;
}

export type ScanResult =
  | { ok: true; report: FinOpsReport }
  | { ok: false; error: { code: 'unsupported' | 'cluster_unavailable'; message: string; retryable: boolean } };

/**
 * The FinOps scan (DESIGN.md §2, ADR 0024): one read of the cluster, the usage of the last days, the prices; out
 * come recommendations with their monthly and annual worth and totals split into realizable and freed. Read-only:
 * a recommendation becomes a change only as a proposal through the normal approval.
 */
export async function scanWaste(deps: ScanDependencies): Promise<ScanResult> {
  if (deps.cluster.inventory === undefined) {
    return { ok: false, error: { code: 'unsupported', message: `${deps.cluster.description} cannot list its objects for a scan`, retryable: false } };
  }
  const at = deps.clock.now();
  const notes: string[] = [];
  const signal = deadline(deps.timeoutMilliseconds);
  let inventory: ClusterInventory;
  try {
    inventory = await deps.cluster.inventory({ signal });
  } catch (error) {
    return { ok: false, error: { code: 'cluster_unavailable', message: `listing the cluster failed: ${failureText(error, signal)}`, retryable: true } };
  }
  // A usage window one day longer than the zombie rule, so that a streak of exactly `zombieDays` is seen whole.
  const days = deps.zombieDays + 1;
  let pods: PodUsage[] = [];
  if (deps.usage === null) notes.push('no usage source (set PROMETHEUS_URL): zombies and over-provisioning were not judged');
  else {
    const usageSignal = deadline(deps.timeoutMilliseconds);
    try {
      pods = await deps.usage.podUsage(days, at, { signal: usageSignal });
    } catch (error) {
      notes.push(`usage unknown (${deps.usage.description}: ${failureText(error, usageSignal)}): zombies and over-provisioning were not judged`);
    }
  }
  const rates = await allocationRates(deps, deps.zombieDays, notes);
  const ratesOf = (workload: InventoryWorkload): UnitRates => {
    const allocated = rates.get(`${workload.namespace}/${workload.name}`);
    return { cpuCoreHour: allocated?.cpuCoreHour ?? deps.prices.cpuCoreHour, memoryGiBHour: allocated?.memoryGiBHour ?? deps.prices.memoryGiBHour };
  };

  const usage = usageByWorkload(inventory, pods);
  const found = [
    ...storageWaste(inventory, deps.prices).filter((entry) => entry.monthly >= deps.minimumMonthly),
    ...workloadWaste({ inventory, usage, prices: deps.prices, ratesOf, zombieDays: deps.zombieDays, minimumMonthly: deps.minimumMonthly }),
    ...nodeWaste(inventory, pods, usage, deps.prices, deps.minimumMonthly),
  ].sort((left, right) => overlapLast(left) - overlapLast(right) || right.monthly - left.monthly);

  const sum = (saving: 'realizable' | 'freed'): MoneyFigure => {
    const monthly = found.filter((entry) => entry.recommendation.saving === saving).reduce((total, entry) => total + entry.monthly, 0);
    return { monthly: roundToCents(monthly), annual: roundToCents(annualOf(monthly)) };
  };
  return {
    ok: true,
    report: {
      at: at.toISOString(),
      cluster: deps.cluster.description,
      usage: deps.usage?.description ?? 'none',
      costs:
        rates.size > 0
          ? `OpenCost allocation (${deps.allocation?.description}), list prices elsewhere`
          : `list prices (${deps.prices.currency}, config prices)`,
      simulated: deps.cluster.simulated || deps.usage?.simulated === true,
      currency: deps.prices.currency,
      totals: { realizable: sum('realizable'), freed: sum('freed') },
      recommendations: found.map((entry) => entry.recommendation),
      notes,
    },
  };
}

/** Node rows repeat the workloads' money: they come after every row that counts. */
function overlapLast(entry: { recommendation: { saving: string } }): number {
  return entry.recommendation.saving === 'overlap' ? 1 : 0;
}

/** OpenCost's per-workload rates by `namespace/name`; empty (with a note) when it is absent or does not answer. */
async function allocationRates(deps: ScanDependencies, days: number, notes: string[]): Promise<Map<string, WorkloadRates>> {
  if (deps.allocation === null) return new Map();
  const signal = deadline(deps.timeoutMilliseconds);
  try {
    const rates = await deps.allocation.workloadRates(days, { signal });
    return new Map(rates.map((rate) => [`${rate.namespace}/${rate.name}`, rate]));
  } catch (error) {
    notes.push(`OpenCost did not answer (${failureText(error, signal)}): list prices used`);
    return new Map();
  }
}
