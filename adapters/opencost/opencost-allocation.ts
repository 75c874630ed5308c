import { z } from 'zod';
import { splitUrlCredentials } from '../../src/domain/url-credentials.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { CostAllocationPort, WorkloadRates } from '../../src/ports/usage-port.ts';

// Deliberately partial: the fields the rates come from. OpenCost omits or zeroes what it could not measure.
const number = z.number().finite().optional();
const allocationSchema = z.object({
  properties: z.object({ namespace: z.string().optional(), controller: z.string().optional() }).optional(),
  minutes: number,
  cpuCoreHours: number,
  cpuCoreRequestAverage: number,
  cpuCost: number,
  ramByteHours: number,
  ramByteRequestAverage: number,
  ramCost: number,
});
const answerSchema = z.object({
  code: z.number(),
  message: z.string().optional(),
  data: z.array(z.record(z.string(), z.unknown()).nullable()).default([]),
});

const gibibyte = 2 ** 30;

/** Cost per unit-hour, or null when OpenCost had no hours to divide by. */
function rate(cost: number | undefined, hours: number | undefined): number | null {
  if (cost === undefined || hours === undefined || hours <= 0 || cost < 0) return null;
  return cost / hours;
}

/**
 * OpenCost's allocation API (OPENCOST_URL): `/allocation/compute?window=7d&aggregate=namespace,controller`, one
 * accumulated set. Each controller's cost over the window divided by the core-hours and GiB-hours it was charged for
 * gives its unit rates: the cluster's real prices (discounts, spot, the provider's list) instead of the config's.
 */
export class OpenCostAllocation implements CostAllocationPort {
  readonly description: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;

  constructor(configured: string) {
    const { url, authorization } = splitUrlCredentials(configured);
    this.#url = url.endsWith('/') ? url : `${url}/`;
    this.#headers = { accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) };
    this.description = `OpenCost ${this.#url}`;
  }

  async workloadRates(days: number, options: CallOptions): Promise<WorkloadRates[]> {
    const url = new URL('allocation/compute', this.#url);
    url.search = new URLSearchParams({ window: `${days}d`, aggregate: 'namespace,controller', accumulate: 'true' }).toString();
    let response: Response;
    try {
      response = await fetch(url, { signal: options.signal, headers: this.#headers });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      throw new Error(`OpenCost at ${this.#url} did not answer: ${(error as Error).message}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    const answer = answerSchema.safeParse(body);
    if (!response.ok || !answer.success || answer.data.code !== 200) {
      const why = answer.success ? (answer.data.message ?? `code ${answer.data.code}`) : 'an unexpected shape';
      throw new Error(`OpenCost answered ${response.status}: ${why}`);
    }
    const rates: WorkloadRates[] = [];
    for (const set of answer.data.data) {
      for (const [key, raw] of Object.entries(set ?? {})) {
        // __idle__, __unallocated__ and the like belong to no controller.
        if (key.startsWith('__')) continue;
        const parsed = allocationSchema.safeParse(raw);
        const namespace = parsed.data?.properties?.namespace;
        const name = parsed.data?.properties?.controller;
        if (!parsed.success || namespace === undefined || name === undefined) continue;
        const allocation = parsed.data;
        const hours = allocation.minutes === undefined ? undefined : allocation.minutes / 60;
        const coreHours =
          allocation.cpuCoreHours ??
          (allocation.cpuCoreRequestAverage === undefined || hours === undefined ? undefined : allocation.cpuCoreRequestAverage * hours);
        const byteHours =
          allocation.ramByteHours ??
          (allocation.ramByteRequestAverage === undefined || hours === undefined ? undefined : allocation.ramByteRequestAverage * hours);
        rates.push({
          namespace,
          name,
          cpuCoreHour: rate(allocation.cpuCost, coreHours),
          memoryGiBHour: rate(allocation.ramCost, byteHours === undefined ? undefined : byteHours / gibibyte),
        });
      }
    }
    return rates;
  }
}
