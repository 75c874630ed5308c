import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { FinOpsReport, Recommendation } from './finops-report.ts';
import type { ScanResult } from './scan-waste.ts';

/** The waste a workload carries, as the last scan priced it. */
export interface WorkloadWasteFigure {
  kind: Recommendation['kind'];
  monthly: number;
  currency: string;
  simulated: boolean;
}

/** Answers at once from what is known; never waits for a scan (a card must not be late for a FinOps figure). */
export interface WasteLookup {
  /** The waste of the Deployment or StatefulSet `namespace/name`; null when it has none, undefined when unknown. */
  wasteOf(namespace: string, name: string): WorkloadWasteFigure | null | undefined;
}

/**
 * The latest FinOps scan, kept for `maxAgeMilliseconds` and refreshed in the background when a card asks after that:
 * the first card after a start says nothing about waste, the following ones do.
 */
export class WasteCache implements WasteLookup {
  readonly #scan: () => Promise<ScanResult>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #maxAgeMilliseconds: number;
  #report: FinOpsReport | null = null;
  #scannedAt = -Infinity;
  #refreshing: Promise<void> | null = null;

  constructor(scan: () => Promise<ScanResult>, options: { clock: Clock; log: Logger; maxAgeMilliseconds?: number }) {
    this.#scan = scan;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#maxAgeMilliseconds = options.maxAgeMilliseconds ?? 15 * 60_000;
  }

  wasteOf(namespace: string, name: string): WorkloadWasteFigure | null | undefined {
    if (this.#clock.now().getTime() - this.#scannedAt > this.#maxAgeMilliseconds) void this.refresh();
    const report = this.#report;
    if (report === null || report.usage === 'none') return undefined;
    const found = report.recommendations.find(
      (entry) =>
        (entry.kind === 'zombie_workload' || entry.kind === 'overprovisioned_workload') && entry.target.namespace === namespace && entry.target.name === name,
    );
    return found === undefined ? null : { kind: found.kind, monthly: found.monthly, currency: report.currency, simulated: report.simulated };
  }

  /** Scans now unless a scan is running; resolves when it is done. A failed scan keeps the previous report. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#scan()
      .then((scanned) => {
        this.#scannedAt = this.#clock.now().getTime();
        if (scanned.ok) this.#report = scanned.report;
        else this.#log.warn({ error: scanned.error }, 'FinOps scan for the cards failed');
      })
      .catch((error: unknown) => this.#log.warn({ err: error }, 'FinOps scan for the cards failed'))
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }
}
