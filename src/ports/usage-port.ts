import type { CallOptions } from './call-options.ts';

/** One day of a pod's CPU: the day's average use and request, in cores; null where the source had no sample. */
export interface DailyCpu {
  /** End of the day-long window. */
  end: Date;
  usedCores: number | null;
  requestedCores: number | null;
}

/** What one pod used over the window (Prometheus series are per pod; the scan maps pods to workloads). */
export interface PodUsage {
  namespace: string;
  pod: string;
  /** Oldest first, one per day ending at the query time. */
  daily: DailyCpu[];
  /** The 95th percentile of its 5-minute CPU rates over the window, in cores; null when unknown. */
  cpuPeakCores: number | null;
  /** The highest memory working set over the window, in GiB; null when unknown. */
  memoryPeakGiB: number | null;
}

/**
 * Where actual use comes from (FinOps, ADR 0024): a real Prometheus (adapters/prometheus) or the sandbox's simulated
 * usage history. Read-only; a source that cannot answer rejects (the scan then says usage is unknown).
 */
export interface UsagePort {
  /** "Prometheus http://…" or "sandbox usage history (simulated)". */
  readonly description: string;
  readonly simulated: boolean;
  /** Per-pod usage of the last `days` days, ending at `at`. */
  podUsage(days: number, at: Date, options: CallOptions): Promise<PodUsage[]>;
}

/** What a workload costs per unit, as a cost tool allocated it (OpenCost): replaces list prices for that workload. */
export interface WorkloadRates {
  namespace: string;
  /** Controller name (Deployment, StatefulSet …). */
  name: string;
  cpuCoreHour: number | null;
  memoryGiBHour: number | null;
}

/** A cost allocation source (OpenCost's allocation API). */
export interface CostAllocationPort {
  readonly description: string;
  /** Per-controller unit rates over the last `days` days. */
  workloadRates(days: number, options: CallOptions): Promise<WorkloadRates[]>;
}
