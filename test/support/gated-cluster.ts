import type { ClusterPort, ExecuteResult, PlannedAction } from '../../src/ports/cluster-port.ts';

/**
 * Wraps a cluster so that `execute` stops at a gate until released: a test can look at the world while an
 * execution is in flight (proposal EXECUTING) and act on it.
 */
export function gatedCluster(inner: ClusterPort): { cluster: ClusterPort; reached: Promise<void>; release(): void } {
  let reachedGate: () => void = () => {};
  let openGate: () => void = () => {};
  const reached = new Promise<void>((resolve) => (reachedGate = resolve));
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const cluster: ClusterPort = {
    description: inner.description,
    simulated: inner.simulated,
    dryRun: (action) => inner.dryRun(action),
    reconcile: (action, executionId) => inner.reconcile(action, executionId),
    workloadResources: (target) => inner.workloadResources(target),
    execute: async (action: PlannedAction, options): Promise<ExecuteResult> => {
      reachedGate();
      await gate;
      return inner.execute(action, options);
    },
  };
  return { cluster, reached, release: () => openGate() };
}
