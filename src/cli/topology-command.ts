import { stringify } from 'yaml';
import type { Config } from '../config/config-schema.ts';
import { deadline } from '../ports/call-options.ts';
import { discoverTopology } from '../../adapters/kubernetes/discover-topology.ts';
import { openKubernetesCluster } from './open-kubernetes-cluster.ts';

/**
 * `awoooi topology --discover`: the services and dependencies found in the cluster, as a topology file (to review,
 * edit and keep as AWOOOI_TOPOLOGY). Exit 0, or 2 when there is no real cluster or it cannot be read.
 */
export async function topologyCommand(config: Config, output: NodeJS.WritableStream, errors: NodeJS.WritableStream, name?: string): Promise<number> {
  const cluster = openKubernetesCluster(config, 'topology --discover needs a real cluster', errors, name);
  if (cluster === null) return 2;
  const result = await discoverTopology(cluster.apis, cluster.scope, deadline(config.cluster.timeoutSeconds * 1000));
  if (!result.ok) {
    errors.write(`awoooi: topology discovery failed: ${result.error}\n`);
    return 2;
  }
  output.write(`# discovered in ${cluster.description}\n`);
  output.write(
    stringify({
      services: result.services.map(({ name, kind, namespace, dependsOn }) => ({ name, kind, ...(namespace !== undefined && { namespace }), dependsOn })),
    }),
  );
  return 0;
}
