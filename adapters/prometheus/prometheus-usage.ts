import type { CallOptions } from '../../src/ports/call-options.ts';
import type { DailyCpu, PodUsage, UsagePort } from '../../src/ports/usage-port.ts';
import { PrometheusClient, type PrometheusSeries } from './prometheus-client.ts';

const daySeconds = 86_400;
// cAdvisor reports a pod-level series (container="") and the pause container (POD): both would count twice.
const containers = 'container!="",container!="POD"';

/** The PromQL of the scan, per pod: what each number on a FinOps card was computed from. */
export const usageQueries = {
  /** Each day's average CPU use (cores), from the cAdvisor counter. */
  dailyCpuUsed: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${containers}}[1d]))`,
  /** Each day's average CPU request (cores), from kube-state-metrics. */
  dailyCpuRequested: 'sum by (namespace, pod) (avg_over_time(kube_pod_container_resource_requests{resource="cpu"}[1d]))',
  cpuPeak: (days: number) => `quantile_over_time(0.95, sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${containers}}[5m]))[${days}d:5m])`,
  memoryPeak: (days: number) => `max_over_time(sum by (namespace, pod) (container_memory_working_set_bytes{${containers}})[${days}d:5m])`,
} as const;

/**
 * Usage from a real Prometheus (PROMETHEUS_URL) scraping cAdvisor and kube-state-metrics: four queries per scan, one
 * day per point for the zombie rule, the 95th percentile of 5-minute rates and the memory peak for right-sizing.
 */
export class PrometheusUsage implements UsagePort {
  readonly description: string;
  readonly simulated = false;
  readonly #client: PrometheusClient;

  constructor(url: string) {
    this.#client = new PrometheusClient(url);
    this.description = `Prometheus ${this.#client.url}`;
  }

  async podUsage(days: number, at: Date, options: CallOptions): Promise<PodUsage[]> {
    const { signal } = options;
    // Whole seconds: the API answers range points as start + k × step, matched below to the millisecond.
    at = new Date(Math.floor(at.getTime() / 1000) * 1000);
    const start = new Date(at.getTime() - (days - 1) * daySeconds * 1000);
    const [used, requested, cpuPeak, memoryPeak] = await Promise.all([
      this.#client.queryRange(usageQueries.dailyCpuUsed, start, at, daySeconds, signal),
      this.#client.queryRange(usageQueries.dailyCpuRequested, start, at, daySeconds, signal),
      this.#client.query(usageQueries.cpuPeak(days), at, signal),
      this.#client.query(usageQueries.memoryPeak(days), at, signal),
    ]);
    const ends = Array.from({ length: days }, (_, index) => start.getTime() + index * daySeconds * 1000);
    const pods = new Map<string, { namespace: string; pod: string }>();
    for (const series of [...used, ...requested, ...cpuPeak, ...memoryPeak]) {
      const { namespace, pod } = series.labels;
      if (namespace !== undefined && pod !== undefined) pods.set(`${namespace}/${pod}`, { namespace, pod });
    }
    const index = (list: PrometheusSeries[]) => new Map(list.map((series) => [`${series.labels['namespace']}/${series.labels['pod']}`, series.samples]));
    const [usedBy, requestedBy, cpuPeakBy, memoryPeakBy] = [index(used), index(requested), index(cpuPeak), index(memoryPeak)];
    return [...pods.entries()].map(([key, { namespace, pod }]) => {
      const sampleAt = (samples: PrometheusSeries['samples'] | undefined, end: number) =>
        samples?.find((entry) => Math.round(entry.at.getTime()) === end)?.value ?? null;
      const daily: DailyCpu[] = ends.map((end) => ({
        end: new Date(end),
        usedCores: sampleAt(usedBy.get(key), end),
        requestedCores: sampleAt(requestedBy.get(key), end),
      }));
      const memory = memoryPeakBy.get(key)?.[0]?.value;
      return { namespace, pod, daily, cpuPeakCores: cpuPeakBy.get(key)?.[0]?.value ?? null, memoryPeakGiB: memory === undefined ? null : memory / 2 ** 30 };
    });
  }
}
