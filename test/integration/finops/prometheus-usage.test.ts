import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusUsage, usageQueries } from '../../../adapters/prometheus/prometheus-usage.ts';
import { PrometheusClient } from '../../../adapters/prometheus/prometheus-client.ts';
import { defaultPrices } from '../../../src/finops/pricing.ts';
import { scanWaste } from '../../../src/finops/scan-waste.ts';
import type { ClusterInventory } from '../../../src/ports/cluster-port.ts';
import { startRealPrometheus, type RealPrometheus } from '../../support/real-prometheus.ts';

const step = 300;
const days = 9;
// The newest sample, on a 5-minute boundary a little before now: Prometheus answers at "now" over these blocks.
const end = Math.floor(Date.now() / 1000 / step) * step - step;
const start = end - days * 86_400;

const idlePod = 'idle-7d9f8b6c5d-x2k4p';
const busyPod = 'busy-5c6b9d4f7b-m4n8q';

/** Nine days of cAdvisor and kube-state-metrics series, every 5 minutes: `idle` uses 0.2% of its request, `busy` 80%. */
function openMetrics(): string {
  const lines: string[] = [];
  const family = (name: string, type: string, series: { labels: string; value: (t: number) => number }[]) => {
    lines.push(`# TYPE ${name} ${type}`);
    for (const { labels, value } of series)
      for (let t = start; t <= end; t += step) lines.push(`${name}${type === 'counter' ? '_total' : ''}{${labels}} ${value(t)} ${t}`);
  };
  const container = (pod: string) => `namespace="shop",pod="${pod}",container="app"`;
  family('container_cpu_usage_seconds', 'counter', [
    { labels: container(idlePod), value: (t) => (t - start) * 0.001 },
    { labels: container(busyPod), value: (t) => (t - start) * 0.4 },
  ]);
  family('kube_pod_container_resource_requests', 'gauge', [
    { labels: `${container(idlePod)},resource="cpu",unit="core"`, value: () => 0.5 },
    { labels: `${container(busyPod)},resource="cpu",unit="core"`, value: () => 0.5 },
  ]);
  family('container_memory_working_set_bytes', 'gauge', [
    { labels: container(idlePod), value: () => 64 * 2 ** 20 },
    { labels: container(busyPod), value: () => 400 * 2 ** 20 },
  ]);
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

const inventory: ClusterInventory = {
  workloads: ['idle', 'busy'].map((name) => ({ kind: 'Deployment', namespace: 'shop', name, replicas: 1, cpuCores: 0.5, memoryGiB: 0.5 })),
  pods: [
    { namespace: 'shop', name: idlePod, workload: { kind: 'Deployment', name: 'idle' }, node: 'node-a', phase: 'Running', claims: [] },
    { namespace: 'shop', name: busyPod, workload: { kind: 'Deployment', name: 'busy' }, node: 'node-a', phase: 'Running', claims: [] },
  ],
  claims: [],
  volumes: [],
  nodes: [],
};

describe('FinOps usage from a real Prometheus (Debian package) over a generated TSDB', () => {
  let prometheus: RealPrometheus;
  beforeAll(async () => {
    prometheus = await startRealPrometheus(openMetrics());
  }, 120_000);
  afterAll(() => prometheus?.stop());

  it('reads one point per day of use and request per pod, the CPU peak and the memory peak', async () => {
    const usage = await new PrometheusUsage(prometheus.url).podUsage(8, new Date(end * 1000), { signal: AbortSignal.timeout(20_000) });
    const idle = usage.find((pod) => pod.pod === idlePod)!;
    const busy = usage.find((pod) => pod.pod === busyPod)!;
    expect(idle.daily).toHaveLength(8);
    for (const day of idle.daily) {
      expect(day.usedCores).toBeCloseTo(0.001, 4);
      expect(day.requestedCores).toBeCloseTo(0.5, 6);
    }
    expect(busy.daily.every((day) => Math.abs((day.usedCores ?? 0) - 0.4) < 1e-4)).toBe(true);
    expect(busy.cpuPeakCores).toBeCloseTo(0.4, 4);
    expect(busy.memoryPeakGiB).toBeCloseTo(400 / 1024, 6);
  });

  it('the scan names the idle workload a zombie and leaves the busy one alone', async () => {
    const result = await scanWaste({
      cluster: { description: 'test inventory', simulated: false, inventory: async () => inventory },
      usage: new PrometheusUsage(prometheus.url),
      allocation: null,
      prices: defaultPrices,
      clock: { now: () => new Date(end * 1000) },
      zombieDays: 7,
      minimumMonthly: 1,
      timeoutMilliseconds: 20_000,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const named = result.report.recommendations.map((recommendation) => `${recommendation.kind} ${recommendation.target.name}`);
    expect(named).toEqual(['zombie_workload idle']);
    expect(result.report.recommendations[0]).toMatchObject({
      planned: { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'idle' }, params: { replicas: 0 } },
      risk: 'HIGH',
      saving: 'freed',
    });
    expect(result.report.notes).toEqual([]);
  });

  it('a query Prometheus refuses is an error that says why, not a number', async () => {
    const client = new PrometheusClient(prometheus.url);
    await expect(client.query('sum by (pod) (', new Date(end * 1000), AbortSignal.timeout(10_000))).rejects.toThrow(/refused the query \(bad_data\)/);
    expect(usageQueries.cpuPeak(8)).toContain('[8d:5m]');
  });
});
