import type { ClusterPort, ExecuteResult, PlannedAction } from '../../src/ports/cluster-port.ts';

/**
 * Wraps a cluster so that `execute` stops at a gate until released: a test can look at the world while an
 * execution is in flight (proposal EXECUTING) and act on it. Like a real client, a call waiting at the gate ends
 * when its signal fires (rejecting with the signal's reason) and then never reaches the cluster.
 */
export function gatedCluster(inner: ClusterPort): { cluster: ClusterPort; reached: Promise<void>; release(): void; aborted: Promise<unknown> } {
  let reachedGate: () => void = () => {};
  let openGate: () => void = () => {};
  let sawAbort: (reason: unknown) => void = () => {};
  const reached = new Promise<void>((resolve) => (reachedGate = resolve));
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const aborted = new Promise<unknown>((resolve) => (sawAbort = resolve));
  const cluster: ClusterPort = {
    description: inner.description,
    simulated: inner.simulated,
    dryRun: (action, options) => inner.dryRun(action, options),
    reconcile: (action, executionId, options) => inner.reconcile(action, executionId, options),
    workloadResources: (target, options) => inner.workloadResources(target, options),
    execute: async (action: PlannedAction, options): Promise<ExecuteResult> => {
      reachedGate();
      await new Promise<void>((resolve, reject) => {
        gate.then(resolve);
        options.signal.addEventListener(
          'abort',
          () => {
            sawAbort(options.signal.reason);
            reject(options.signal.reason);
          },
          { once: true },
        );
      });
      return inner.execute(action, options);
    },
  };
  return { cluster, reached, release: () => openGate(), aborted };
}
