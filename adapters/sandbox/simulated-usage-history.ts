import type { CallOptions } from '../../src/ports/call-options.ts';
import type { ClusterInventory } from '../../src/ports/cluster-port.ts';
import type { DailyCpu, PodUsage, UsagePort } from '../../src/ports/usage-port.ts';

/** How busy a simulated workload is, as shares of its requests: the day's average CPU, the CPU peak, the memory peak. */
interface Profile {
  cpuAverage: number;
  cpuPeak: number;
  memoryPeak: number;
}

/**
 * The demo shop's story: the preview environment of a merged pull request idles (a zombie), checkout asks for far
 * more than it uses (over-provisioned), the rest are busy enough. Anything else gets a busy profile.
 */
const demoProfiles: Record<string, Profile> = {
  'preview-pr-142/web': { cpuAverage: 0.002, cpuPeak: 0.004, memoryPeak: 0.3 },
  'shop/checkout': { cpuAverage: 0.08, cpuPeak: 0.15, memoryPeak: 0.3 },
  'shop/payments': { cpuAverage: 0.45, cpuPeak: 0.7, memoryPeak: 0.8 },
  'shop/cart': { cpuAverage: 0.5, cpuPeak: 0.8, memoryPeak: 0.75 },
  'payments/api': { cpuAverage: 0.6, cpuPeak: 0.9, memoryPeak: 0.85 },
};
const busy: Profile = { cpuAverage: 0.5, cpuPeak: 0.75, memoryPeak: 0.75 };

/** The requests a workload's simulated use is a share of, when they are not its current ones (the sandbox says). */
type UsageBasis = (namespace: string, name: string) => { cpuCores: number; memoryGiB: number } | undefined;

/** A workload's SIMULATED peak use per replica, as the history reports it: for the sandbox dry-run's warning. */
export function simulatedPeakUse(namespace: string, name: string, basis: { cpuCores: number; memoryGiB: number }) {
  const profile = demoProfiles[`${namespace}/${name}`] ?? busy;
  return { cpuCores: basis.cpuCores * profile.cpuPeak, memoryGiB: basis.memoryGiB * profile.memoryPeak };
}

const dayMilliseconds = 86_400_000;

/**
 * A SIMULATED usage history for the sandbox cluster (no Prometheus on embedded defaults): per pod of the cluster as
 * it is now, `days` days of CPU use ending at the asked time, shaped by the profiles above with a small
 * deterministic day-to-day wobble. Says it is simulated wherever it is shown.
 */
export class SimulatedUsageHistory implements UsagePort {
  readonly description = 'sandbox usage history (simulated)';
  readonly simulated = true;
  readonly #inventory: (options: CallOptions) => Promise<ClusterInventory>;
  readonly #profiles: Record<string, Profile>;

  readonly #basis: UsageBasis;

  constructor(
    cluster: { inventory(options: CallOptions): Promise<ClusterInventory>; usageBasis?: UsageBasis },
    profiles: Record<string, Profile> = demoProfiles,
  ) {
    this.#inventory = (options) => cluster.inventory(options);
    this.#basis = cluster.usageBasis?.bind(cluster) ?? (() => undefined);
    this.#profiles = profiles;
  }

  async podUsage(days: number, at: Date, options: CallOptions): Promise<PodUsage[]> {
    const inventory = await this.#inventory(options);
    const usage: PodUsage[] = [];
    for (const pod of inventory.pods) {
      const workload = inventory.workloads.find((candidate) => candidate.namespace === pod.namespace && candidate.name === pod.workload?.name);
      if (workload === undefined || pod.phase !== 'Running') continue;
      const profile = this.#profiles[`${pod.namespace}/${workload.name}`] ?? busy;
      const basis = this.#basis(workload.namespace, workload.name) ?? workload;
      const daily: DailyCpu[] = [];
      for (let index = days - 1; index >= 0; index--) {
        const wobble = 1 + ((index * 7 + pod.name.length) % 5) / 50;
        daily.push({
          end: new Date(at.getTime() - index * dayMilliseconds),
          usedCores: basis.cpuCores * profile.cpuAverage * wobble,
          requestedCores: workload.cpuCores,
        });
      }
      usage.push({
        namespace: pod.namespace,
        pod: pod.name,
        daily,
        cpuPeakCores: basis.cpuCores * profile.cpuPeak,
        memoryPeakGiB: basis.memoryGiB * profile.memoryPeak,
      });
    }
    return usage;
  }
}
