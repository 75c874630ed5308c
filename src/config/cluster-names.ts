import type { ClusterNames } from '../incidents/cluster-of-alert.ts';
import type { Config } from './config-schema.ts';

/**
 * The configured clusters' names: `cluster.clusters` when set (the default is `defaultCluster`, else the first),
 * else the one cluster, named `defaultCluster` or "default" (the name incidents from before ADR 0032 carry).
 */
export function clusterNamesOf(config: Pick<Config, 'cluster'>): ClusterNames {
  const { clusters, defaultCluster, label } = config.cluster;
  if (clusters.length === 0) {
    const name = defaultCluster ?? 'default';
    return { label, defaultName: name, names: [name] };
  }
  return { label, defaultName: defaultCluster ?? clusters[0]!.name, names: clusters.map((entry) => entry.name) };
}
