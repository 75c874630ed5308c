import type { ActionName } from '../../src/ports/cluster-port.ts';
import { converge } from './sandbox-controllers.ts';
import { emptyWorld, meta } from './sandbox-world.ts';
import type { SandboxDeployment, SandboxWorld } from './sandbox-world.ts';

interface DeploymentSeed {
  namespace: string;
  name: string;
  replicas: number;
  image: string;
  revision: number;
  history: { revision: number; image: string }[];
  podTemplateHash: string;
  cpuCores: number;
  memoryGiB: number;
}

function deployment(world: SandboxWorld, seed: DeploymentSeed): SandboxDeployment {
  const created: SandboxDeployment = { ...meta(world), ...seed, readyReplicas: 0 };
  world.deployments.push(created);
  return created;
}

/**
 * A small shop, matching the test fixtures: `payments/api` crash-loops in pod `api-7d9f-x2k` after a
 * bad release (revision 2; revision 1 is the way back), `shop/checkout` has a PDB with headroom 1,
 * `shop/cart` has a PDB with none, `orders-db` is a StatefulSet pod with its volume, and
 * `shop/reports-export` is an orphaned PVC and
 * `pv-reports-2025` a Released volume. The simulated usage history (simulated-usage-history.ts) makes
 * `preview-pr-142/web` a zombie and `shop/checkout` over-provisioned.
 */
export function seedDemoWorld(permitted: ActionName[]): SandboxWorld {
  const world = emptyWorld(permitted);
  for (const name of ['node-a', 'node-b', 'node-c'])
    world.nodes.push({ ...meta(world), name, unschedulable: false, cpuCores: 4, memoryGiB: 16, instanceType: 'm6i.xlarge' });
  for (const name of ['shop', 'payments', 'preview-pr-142']) world.namespaces.push({ ...meta(world), name });

  deployment(world, {
    namespace: 'shop',
    name: 'checkout',
    replicas: 3,
    image: 'registry.local/shop/checkout:2.3.1',
    revision: 5,
    history: [
      { revision: 3, image: 'registry.local/shop/checkout:2.2.9' },
      { revision: 4, image: 'registry.local/shop/checkout:2.3.0' },
    ],
    podTemplateHash: '7d9f8b6c5d',
    cpuCores: 0.5,
    memoryGiB: 1,
  });
  deployment(world, {
    namespace: 'shop',
    name: 'payments',
    replicas: 2,
    image: 'registry.local/shop/payments:1.8.0',
    revision: 3,
    history: [{ revision: 2, image: 'registry.local/shop/payments:1.7.4' }],
    podTemplateHash: '5c6b9d4f7b',
    cpuCores: 0.5,
    memoryGiB: 0.5,
  });
  deployment(world, {
    namespace: 'shop',
    name: 'cart',
    replicas: 2,
    image: 'registry.local/shop/cart:0.9.2',
    revision: 2,
    history: [{ revision: 1, image: 'registry.local/shop/cart:0.9.1' }],
    podTemplateHash: '6f8d7c9b54',
    cpuCores: 0.25,
    memoryGiB: 0.5,
  });
  const api = deployment(world, {
    namespace: 'payments',
    name: 'api',
    replicas: 2,
    image: 'registry.local/payments/api:1.4.2',
    revision: 2,
    history: [{ revision: 1, image: 'registry.local/payments/api:1.4.1' }],
    podTemplateHash: '7d9f',
    cpuCores: 0.5,
    memoryGiB: 1,
  });
  deployment(world, {
    namespace: 'preview-pr-142',
    name: 'web',
    replicas: 1,
    image: 'registry.local/shop/web:pr-142',
    revision: 1,
    history: [],
    podTemplateHash: '84b7c6d9f5',
    cpuCores: 0.25,
    memoryGiB: 0.25,
  });

  // The pods the crash-loop fixture names, placed before converge fills in the rest.
  world.pods.push(
    {
      ...meta(world),
      namespace: 'payments',
      name: 'api-7d9f-x2k',
      ownerKind: 'Deployment',
      owner: api.name,
      phase: 'Running',
      ready: false,
      restarts: 14,
      reason: 'CrashLoopBackOff',
      node: 'node-b',
    },
    {
      ...meta(world),
      namespace: 'payments',
      name: 'api-7d9f-m4n',
      ownerKind: 'Deployment',
      owner: api.name,
      phase: 'Running',
      ready: true,
      restarts: 0,
      reason: null,
      node: 'node-a',
    },
    {
      ...meta(world),
      namespace: 'shop',
      name: 'orders-db-0',
      ownerKind: 'StatefulSet',
      owner: 'orders-db',
      phase: 'Running',
      ready: true,
      restarts: 0,
      reason: null,
      node: 'node-c',
    },
  );
  world.pvcs.push(
    { ...meta(world), namespace: 'shop', name: 'data-orders-db-0', storageGiB: 20, mountedBy: ['orders-db-0'], storageClass: 'gp3' },
    { ...meta(world), namespace: 'shop', name: 'reports-export', storageGiB: 50, mountedBy: [], storageClass: 'gp3' },
  );
  // Outlived its claim (reclaim policy Retain): still billed. No uid needed, no action targets volumes.
  world.volumes = [{ name: 'pv-reports-2025', phase: 'Released', storageGiB: 100, storageClass: 'gp2', claim: { namespace: 'shop', name: 'reports-2025' } }];
  world.pdbs.push(
    { ...meta(world), namespace: 'shop', name: 'checkout-pdb', workload: 'checkout', minAvailable: 2, currentHealthy: 0, disruptionsAllowed: 0 },
    { ...meta(world), namespace: 'shop', name: 'cart-pdb', workload: 'cart', minAvailable: 2, currentHealthy: 0, disruptionsAllowed: 0 },
  );
  converge(world);
  return world;
}
