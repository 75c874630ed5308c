import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenCostAllocation } from '../../../adapters/opencost/opencost-allocation.ts';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { SimulatedUsageHistory } from '../../../adapters/sandbox/simulated-usage-history.ts';
import { defaultPrices } from '../../../src/finops/pricing.ts';
import { scanWaste } from '../../../src/finops/scan-waste.ts';
import { FakeOpenCostServer } from '../../support/fake-opencost-server.ts';

const at = new Date('2026-03-01T03:00:00Z');
const week = 7 * 24 * 60;

/** OpenCost's allocation of shop/checkout: 3 × 0.5 cores and 3 × 1 GiB for 7 days, at twice the list price. */
const checkout = {
  name: 'shop/checkout',
  properties: { cluster: 'default-cluster', namespace: 'shop', controller: 'checkout', controllerKind: 'deployment' },
  window: { start: '2026-02-22T03:00:00Z', end: '2026-03-01T03:00:00Z' },
  minutes: week,
  cpuCores: 1.5,
  cpuCoreRequestAverage: 1.5,
  cpuCoreUsageAverage: 0.12,
  cpuCoreHours: 1.5 * 168,
  cpuCost: 1.5 * 168 * 0.0632,
  ramBytes: 3 * 2 ** 30,
  ramByteRequestAverage: 3 * 2 ** 30,
  ramByteHours: 3 * 2 ** 30 * 168,
  ramCost: 3 * 168 * 0.0084,
  pvCost: 0,
  totalCost: 1.5 * 168 * 0.0632 + 3 * 168 * 0.0084,
};

describe('OpenCost allocation API at the wire [fake OpenCost server]', () => {
  let server: FakeOpenCostServer;
  beforeEach(async () => {
    server = await FakeOpenCostServer.start();
    server.allocations = { 'shop/checkout': checkout, __idle__: { name: '__idle__', properties: {}, cpuCost: 5, totalCost: 5, minutes: week } };
  });
  afterEach(() => server.close());

  it('asks for 7 days aggregated by namespace and controller, and turns costs into unit rates', async () => {
    const rates = await new OpenCostAllocation(server.url).workloadRates(7, { signal: AbortSignal.timeout(5000) });
    expect(server.requests).toEqual([
      { path: '/allocation/compute', query: { window: '7d', aggregate: 'namespace,controller', accumulate: 'true' }, authorization: undefined },
    ]);
    expect(rates).toHaveLength(1);
    expect(rates[0]).toMatchObject({ namespace: 'shop', name: 'checkout' });
    expect(rates[0]!.cpuCoreHour).toBeCloseTo(0.0632, 10);
    expect(rates[0]!.memoryGiBHour).toBeCloseTo(0.0084, 10);
  });

  it('credentials in OPENCOST_URL go in an Authorization header, never into what is shown', async () => {
    const allocation = new OpenCostAllocation(server.url.replace('http://', 'http://finops:s3cr%40t@'));
    await allocation.workloadRates(7, { signal: AbortSignal.timeout(5000) });
    expect(server.requests[0]?.authorization).toBe(`Basic ${Buffer.from('finops:s3cr@t').toString('base64')}`);
    expect(allocation.description).toBe(`OpenCost ${server.url}/`);
  });

  it('the scan prices a workload OpenCost allocated with its rates, the others with list prices', async () => {
    const cluster = SandboxCluster.withDemoData();
    const scan = (allocation: OpenCostAllocation | null) =>
      scanWaste({
        cluster,
        usage: new SimulatedUsageHistory(cluster),
        allocation,
        prices: defaultPrices,
        clock: { now: () => at },
        zombieDays: 7,
        minimumMonthly: 1,
        timeoutMilliseconds: 5000,
      });
    const listed = await scan(null);
    const allocated = await scan(new OpenCostAllocation(server.url));
    if (!listed.ok || !allocated.ok) throw new Error('scan failed');
    const worth = (report: typeof listed.report, name: string) => report.recommendations.find((entry) => entry.target.name === name)?.monthly;
    expect(worth(allocated.report, 'checkout')).toBeCloseTo(2 * worth(listed.report, 'checkout')!, 1);
    expect(worth(allocated.report, 'web')).toBe(worth(listed.report, 'web'));
    expect(allocated.report.costs).toMatch(/^OpenCost allocation/);
    expect(server.requests[0]?.query['window']).toBe('7d');
  });

  it('OpenCost failing leaves list prices and a note, not a failed scan', async () => {
    server.status = 500;
    const cluster = SandboxCluster.withDemoData();
    const result = await scanWaste({
      cluster,
      usage: new SimulatedUsageHistory(cluster),
      allocation: new OpenCostAllocation(server.url),
      prices: defaultPrices,
      clock: { now: () => at },
      zombieDays: 7,
      minimumMonthly: 1,
      timeoutMilliseconds: 5000,
    });
    if (!result.ok) throw new Error('scan failed');
    expect(result.report.costs).toMatch(/^list prices/);
    expect(result.report.notes).toEqual([expect.stringMatching(/^OpenCost did not answer \(OpenCost answered 500: boom\): list prices used$/)]);
  });
});
