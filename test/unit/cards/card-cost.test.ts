import { describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { cardCost } from '../../../src/cards/card-cost.ts';
import { defaultPrices } from '../../../src/finops/pricing.ts';
import type { ClusterPort } from '../../../src/ports/cluster-port.ts';

const namespaces: Record<string, string> = { api: 'payments', payments: 'shop', checkout: 'shop', storefront: 'shop' };
const namespaceOf = (service: string) => namespaces[service];

describe('cardCost [sandbox cluster, simulated]', () => {
  it('prices the affected services the cluster knows and states the rest as unknown', async () => {
    const cost = await cardCost(
      { services: ['api', 'payments', 'checkout', 'storefront', 'card-processor', 'api'], namespaceOf, proposal: null },
      SandboxCluster.withDemoData(),
      defaultPrices,
    );
    // api 2 × (0.5 cpu, 1 GiB) = $29.20, payments 2 × (0.5, 0.5) = $26.13, checkout 3 × (0.5, 1) = $43.80
    expect(cost?.monthlyAtStake).toBeCloseTo(99.134, 3);
    expect(cost?.text).toBe(
      '$99.13/month at stake (api $29.20, payments $26.13, checkout $43.80); cost unknown for storefront, card-processor (no resource requests known)',
    );
    expect(cost?.actionDelta).toBeNull();
  });

  it('prices what a scale proposal changes', async () => {
    const planned = {
      action: 'scale_deployment' as const,
      target: { kind: 'Deployment' as const, namespace: 'shop', name: 'checkout' },
      params: { replicas: 5 },
    };
    const cost = await cardCost({ services: ['checkout'], namespaceOf, proposal: planned }, SandboxCluster.withDemoData(), defaultPrices);
    expect(cost?.actionDelta).toBe('scaling checkout 3 → 5 replicas adds $29.20/month');
    const unknown = await cardCost(
      { services: [], namespaceOf, proposal: { ...planned, target: { ...planned.target, name: 'ghost' } } },
      SandboxCluster.withDemoData(),
      defaultPrices,
    );
    expect(unknown?.actionDelta).toBe('cost change of scaling ghost unknown (no resource requests known)');
  });

  it('is null with nothing to price, and survives a cluster that cannot answer', async () => {
    expect(await cardCost({ services: [], namespaceOf, proposal: null }, SandboxCluster.withDemoData(), defaultPrices)).toBeNull();
    const broken = {
      ...SandboxCluster.withDemoData(),
      workloadResources: async () => {
        throw new Error('connection refused');
      },
    } as unknown as ClusterPort;
    const cost = await cardCost({ services: ['checkout'], namespaceOf, proposal: null }, broken, defaultPrices);
    expect(cost?.text).toBe('cost unknown for checkout (no resource requests known)');
  });
});
