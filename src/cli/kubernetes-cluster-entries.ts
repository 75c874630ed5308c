import { clusterNamesOf } from '../config/cluster-names.ts';
import type { Config, NamedClusterConfig } from '../config/config-schema.ts';
import type { Clock } from '../ports/clock.ts';
import { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';

/** The configured Kubernetes clusters: `cluster.clusters`, or the one cluster of KUBECONFIG / KUBE_CONTEXT. */
export function kubernetesClusterEntries(config: Config): NamedClusterConfig[] {
  if (config.cluster.clusters.length > 0) return config.cluster.clusters;
  return [{ name: clusterNamesOf(config).defaultName, context: config.cluster.context, kubeconfig: config.cluster.kubeconfig }];
}

/** One of them, opened; each setting it leaves out comes from `cluster.*`. Throws on a bad kubeconfig or context. */
export function openKubernetesClusterEntry(config: Config, entry: NamedClusterConfig, clock?: Clock): KubernetesCluster {
  return new KubernetesCluster({
    kubeconfig: entry.inCluster ? undefined : (entry.kubeconfig ?? config.cluster.kubeconfig),
    context: entry.context,
    inCluster: entry.inCluster === true,
    namespaces: entry.namespaces ?? config.cluster.namespaces,
    argocd: entry.argocd ?? config.cluster.argocd,
    ...(clock && { clock }),
    name: config.cluster.clusters.length > 0 ? entry.name : undefined,
  });
}
