import { readFileSync, writeFileSync } from 'node:fs';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import type { ClusterPort } from '../../src/ports/cluster-port.ts';

/**
 * The sandbox kept in a JSON file that several processes share, as they would share one real cluster: every call
 * loads the current world (and execute saves it back), so a bot sees what a crashed child process did to it.
 */
export function fileBackedCluster(snapshotFile: string): ClusterPort {
  const load = () => SandboxCluster.fromSnapshot(JSON.parse(readFileSync(snapshotFile, 'utf8')));
  return {
    description: 'sandbox in a shared file (simulated)',
    simulated: true,
    dryRun: (action, options) => load().dryRun(action, options),
    reconcile: (action, executionId, options) => load().reconcile(action, executionId, options),
    workloadResources: (target, options) => load().workloadResources(target, options),
    execute: async (action, options) => {
      const sandbox = load();
      const result = await sandbox.execute(action, options);
      writeFileSync(snapshotFile, JSON.stringify(sandbox.snapshot()));
      return result;
    },
  };
}
