/** The configured clusters as correlation sees them: names only (ADR 0032). */
export interface ClusterNames {
  /** The alert label that names the cluster: Alertmanager's usual external label `cluster` by default. */
  label: string;
  /** Where alerts go that name no configured cluster (or none at all). */
  defaultName: string;
  names: readonly string[];
}

/** A single cluster named "default", labels ignored: what a configuration without `cluster.clusters` means. */
export const singleCluster: ClusterNames = { label: 'cluster', defaultName: 'default', names: ['default'] };

/** An alert's cluster; `unknownLabel`: the label value as sent when it named no configured cluster (cut to 253). */
export interface AlertCluster {
  cluster: string;
  unknownLabel: string | null;
}

const longestName = 253;

/**
 * The cluster an alert belongs to: the one its label names, else the default. A label naming no configured
 * cluster is kept (shortened) so that the card and the log can say why the default was taken. With one cluster
 * the label is not read at all: every alert is that cluster's.
 */
export function clusterOfAlert(labels: Readonly<Record<string, string>>, clusters: ClusterNames): AlertCluster {
  const named = labels[clusters.label];
  if (clusters.names.length <= 1 || named === undefined || named === '') return { cluster: clusters.defaultName, unknownLabel: null };
  if (clusters.names.includes(named)) return { cluster: named, unknownLabel: null };
  return { cluster: clusters.defaultName, unknownLabel: named.length > longestName ? `${named.slice(0, longestName)}…` : named };
}
