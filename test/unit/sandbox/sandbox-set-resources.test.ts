import { describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { SimulatedUsageHistory } from '../../../adapters/sandbox/simulated-usage-history.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';

const rightSizeCheckout = (requests: Record<string, string>, extra: Record<string, unknown> = {}): PlannedAction => ({
  action: 'set_resources',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: { container: 'checkout', requests, ...extra },
});

describe('set_resources on the sandbox cluster [simulated]', () => {
  it('dry-run: the change per replica, a rolling replacement under the PDB, accepted', async () => {
    const cluster = SandboxCluster.withDemoData();
    const dry = await cluster.dryRun(rightSizeCheckout({ cpu: '90m', memory: '384Mi' }));
    expect(dry.ok).toBe(true);
    expect(dry.findings).toContainEqual({
      check: 'blast_radius',
      ok: true,
      message: 'container checkout per replica: cpu 500m → 90m, memory 1024Mi → 384Mi; replaces 3 pods, rolling',
    });
    expect(dry.findings).toContainEqual({ check: 'rbac', ok: true, message: 'bot may patch deployments in namespace shop' });
    expect(dry.findings.some((finding) => finding.warning === true)).toBe(false);
    expect(dry.state).toMatchObject({ cpuCores: 0.5, memoryGiB: 1 });
  });

  it('dry-run warns when a request is below the current (simulated) peak use, and refuses what the API server would', async () => {
    const cluster = SandboxCluster.withDemoData();
    const low = await cluster.dryRun(rightSizeCheckout({ cpu: '50m', memory: '256Mi' }));
    expect(low.ok).toBe(true);
    expect(low.findings).toContainEqual({
      check: 'blast_radius',
      ok: true,
      warning: true,
      message: 'requests below current use (simulated peak per replica): cpu 50m < peak 75m, memory 256Mi < peak 307Mi',
    });

    const unknown = await cluster.dryRun({ ...rightSizeCheckout({ cpu: '90m' }), params: { container: 'sidecar', requests: { cpu: '90m' } } });
    expect(unknown.ok).toBe(false);
    expect(unknown.findings).toContainEqual({
      check: 'server_dry_run',
      ok: false,
      message: 'deployment checkout has no container sidecar (containers: checkout)',
    });

    cluster.mutate('Deployment', 'shop', 'checkout', { limits: { cpuCores: 0.5 } });
    const aboveLimit = await cluster.dryRun(rightSizeCheckout({ cpu: '600m' }));
    expect(aboveLimit.findings).toContainEqual({
      check: 'server_dry_run',
      ok: false,
      message: 'requests.cpu 600m must be less than or equal to the cpu limit 500m',
    });
    const zero = await cluster.dryRun(rightSizeCheckout({ cpu: '0' }));
    expect(zero.findings[0]).toMatchObject({ check: 'parameters', ok: false });
  });

  it('apply: new requests and limits, every pod replaced, stamped for reconcile; the simulated use stays what it was', async () => {
    const cluster = SandboxCluster.withDemoData();
    const usage = new SimulatedUsageHistory(cluster);
    const signal = AbortSignal.timeout(5000);
    const peakBefore = (await usage.podUsage(1, new Date(), { signal })).find((pod) => pod.pod.startsWith('checkout-'))!;
    const podsBefore = cluster.pods('shop', 'checkout').map((pod) => pod.name);
    const planned = rightSizeCheckout({ cpu: '90m', memory: '384Mi' }, { limits: { memory: '1Gi' } });
    const dry = await cluster.dryRun(planned);

    const result = await cluster.execute(planned, { expectedFingerprint: dry.fingerprint, executionId: 'rs-1' });
    expect(result).toMatchObject({
      ok: true,
      message: 'set requests of container checkout in deployment shop/checkout to cpu 90m, memory 384Mi: 3 new pods',
      state: { cpuCores: 0.09, memoryGiB: 0.375 },
    });
    expect(cluster.get('Deployment', 'shop', 'checkout')).toMatchObject({ cpuCores: 0.09, memoryGiB: 0.375, limits: { memoryGiB: 1 } });
    const podsAfter = cluster.pods('shop', 'checkout').map((pod) => pod.name);
    expect(podsAfter).toHaveLength(3);
    expect(podsAfter.filter((name) => podsBefore.includes(name))).toEqual([]);
    expect(cluster.executions['rs-1']).toBe(1);
    expect(await cluster.reconcile(planned, 'rs-1')).toBe('applied');
    expect(await cluster.reconcile(planned, 'rs-other')).toBe('not_applied');
    const inventory = await cluster.inventory();
    expect(inventory.workloads.find((workload) => workload.name === 'checkout')).toMatchObject({ cpuCores: 0.09, containers: ['checkout'] });
    const peakAfter = (await usage.podUsage(1, new Date(), { signal })).find((pod) => pod.pod.startsWith('checkout-'))!;
    expect(peakAfter.cpuPeakCores).toBe(peakBefore.cpuPeakCores);
    expect(peakAfter.memoryPeakGiB).toBe(peakBefore.memoryPeakGiB);
  });

  it('a change between dry-run and execute voids it (state_changed), nothing applied', async () => {
    const cluster = SandboxCluster.withDemoData();
    const planned = rightSizeCheckout({ cpu: '90m' });
    const dry = await cluster.dryRun(planned);
    cluster.mutate('Deployment', 'shop', 'checkout', { cpuCores: 0.4 });
    const result = await cluster.execute(planned, { expectedFingerprint: dry.fingerprint, executionId: 'rs-2' });
    expect(result).toMatchObject({ ok: false, error: { code: 'state_changed' } });
    expect(cluster.get('Deployment', 'shop', 'checkout')?.cpuCores).toBe(0.4);
    expect(cluster.executions['rs-2']).toBeUndefined();
  });
});
