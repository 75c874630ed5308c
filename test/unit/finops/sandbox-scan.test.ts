import { describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { SimulatedUsageHistory } from '../../../adapters/sandbox/simulated-usage-history.ts';
import { cardCost } from '../../../src/cards/card-cost.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { defaultPrices } from '../../../src/finops/pricing.ts';
import { finopsCard, renderFinOpsText } from '../../../src/finops/render-finops-report.ts';
import { type ScanDependencies, scanWaste } from '../../../src/finops/scan-waste.ts';
import { WasteCache } from '../../../src/finops/waste-cache.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

const at = new Date('2026-03-01T03:00:00Z');

function sandboxScan(overrides: Partial<ScanDependencies> = {}): ScanDependencies {
  const cluster = SandboxCluster.withDemoData();
  return {
    cluster,
    usage: new SimulatedUsageHistory(cluster),
    allocation: null,
    prices: defaultPrices,
    clock: manualClock(at),
    zombieDays: 7,
    minimumMonthly: 1,
    timeoutMilliseconds: 5000,
    ...overrides,
  };
}

describe('FinOps scan of the sandbox with its simulated usage history', () => {
  it('finds the demo shop’s waste, each with its catalog action and risk, largest first, nodes last', async () => {
    const result = await scanWaste(sandboxScan());
    if (!result.ok) throw new Error(result.error.message);
    const rows = result.report.recommendations.map((entry) => [entry.kind, entry.target.name, entry.monthly, entry.saving, entry.planned, entry.risk]);
    expect(rows).toEqual([
      // 3 × ((0.5 − 0.075 × 1.2) × 0.0316 + (1 − 0.3 × 1.2) × 0.0042) × 730
      [
        'overprovisioned_workload',
        'checkout',
        34.26,
        'freed',
        { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { replicas: 2 } },
        'MEDIUM',
      ],
      ['released_volume', 'pv-reports-2025', 10, 'realizable', null, null],
      // (0.25 × 0.0316 + 0.25 × 0.0042) × 730
      [
        'zombie_workload',
        'web',
        6.53,
        'freed',
        { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'preview-pr-142', name: 'web' }, params: { replicas: 0 } },
        'HIGH',
      ],
      // 50 GiB gp3 at $0.08
      [
        'orphaned_claim',
        'reports-export',
        4,
        'realizable',
        { action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'reports-export' }, params: {} },
        'HIGH',
      ],
      ['overprovisioned_node', 'node-c', 11.8, 'overlap', { action: 'cordon_node', target: { kind: 'Node', name: 'node-c' }, params: {} }, 'HIGH'],
    ]);
    // The node row is the same money as the workloads': not added again.
    expect(result.report.totals).toEqual({ realizable: { monthly: 14, annual: 168 }, freed: { monthly: 40.79, annual: 489.53 } });
    expect(result.report.simulated).toBe(true);
    expect(result.report.usage).toBe('sandbox usage history (simulated)');
  });

  it('ids are stable across scans, and the card says simulated, the totals, and how to propose', async () => {
    const first = await scanWaste(sandboxScan());
    const second = await scanWaste(sandboxScan());
    if (!first.ok || !second.ok) throw new Error('scan failed');
    expect(first.report.recommendations.map((entry) => entry.id)).toEqual(second.report.recommendations.map((entry) => entry.id));
    const text = renderFinOpsText(finopsCard(first.report));
    expect(text).toMatch(/^FinOps: what sandbox \(simulated\) wastes \[simulated\]\nRealizable now: \$14\.00\/month, \$168\.00\/year\n/);
    expect(text).toContain(
      `1. [${first.report.recommendations[0]!.id}] over-provisioned shop/checkout: $34.26/month, $411.12/year (freed); proposes scale_deployment (MEDIUM risk)`,
    );
    expect(text).toContain('/awoooi finops propose <id>');
  });

  it('without a usage source only storage is judged, and the report says why', async () => {
    const result = await scanWaste(sandboxScan({ usage: null }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.report.recommendations.map((entry) => entry.kind)).toEqual(['released_volume', 'orphaned_claim']);
    expect(result.report.totals.freed).toEqual({ monthly: 0, annual: 0 });
    expect(result.report.notes).toEqual(['no usage source (set PROMETHEUS_URL): zombies and over-provisioning were not judged']);
  });

  it('configured prices and currency carry through: a storage class price, EUR', async () => {
    const loaded = loadConfig({ AWOOOI_CURRENCY: 'EUR', AWOOOI_DATA_DIR: '/tmp/unused' });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const prices = { ...loaded.config.prices, storageClasses: { ...loaded.config.prices.storageClasses, gp3: 0.2 } };
    const result = await scanWaste(sandboxScan({ usage: null, prices }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.report.recommendations.find((entry) => entry.kind === 'orphaned_claim')?.monthly).toBe(10);
    expect(renderFinOpsText(finopsCard(result.report))).toContain('Realizable now: €20.00/month, €240.00/year');
  });

  it('a cluster that cannot list its objects is no report', async () => {
    const result = await scanWaste(sandboxScan({ cluster: { description: 'mystery', simulated: false } }));
    expect(result).toEqual({ ok: false, error: { code: 'unsupported', message: 'mystery cannot list its objects for a scan', retryable: false } });
  });
});

describe('the incident card’s cost line names the waste the affected workloads carry', () => {
  it('after a scan, priced workloads carry their waste; before it, nothing is guessed', async () => {
    const dependencies = sandboxScan();
    const cache = new WasteCache(() => scanWaste(dependencies), { clock: manualClock(at), log: recordingLogger() });
    const input = { services: ['checkout', 'cart'], namespaceOf: () => 'shop', proposal: null };
    const cluster = SandboxCluster.withDemoData();
    const before = await cardCost(input, cluster, defaultPrices, 5000, cache);
    expect(before?.text).not.toContain('waste');
    await cache.refresh();
    const after = await cardCost(input, cluster, defaultPrices, 5000, cache);
    expect(after?.text).toBe(
      '$58.40/month at stake (checkout $43.80, cart $14.60); waste they carry: checkout $34.26/month over-provisioned (simulated usage)',
    );
  });
});
