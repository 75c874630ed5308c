import { clusterNamesOf } from '../config/cluster-names.ts';
import type { Config } from '../config/config-schema.ts';
import type { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';
import { kubernetesClusterEntries, openKubernetesClusterEntry } from './kubernetes-cluster-entries.ts';

/**
 * The configured real cluster for a CLI verb that needs one (`what` says why, for the refusal): `name` among
 * several (`--cluster`), else the default one. Null after writing why there is none: the sandbox is configured, no
 * cluster has that name, or the kubeconfig cannot be loaded.
 */
export function openKubernetesCluster(config: Config, what: string, errors: NodeJS.WritableStream, name?: string): KubernetesCluster | null {
  if (config.cluster.kind !== 'kubernetes') {
    errors.write(`awoooi: ${what}: set AWOOOI_CLUSTER=kubernetes (and KUBECONFIG or run in-cluster)\n`);
    return null;
  }
  const entries = kubernetesClusterEntries(config);
  const wanted = name ?? clusterNamesOf(config).defaultName;
  const entry = entries.find((candidate) => candidate.name === wanted);
  if (entry === undefined) {
    errors.write(`awoooi: no cluster named ${wanted} (configured: ${entries.map((candidate) => candidate.name).join(', ')})\n`);
    return null;
  }
  try {
    return openKubernetesClusterEntry(config, entry);
  } catch (error) {
    errors.write(`awoooi: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
}
