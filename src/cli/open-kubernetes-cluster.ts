import type { Config } from '../config/config-schema.ts';
import { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';

/**
 * The configured real cluster for a CLI verb that needs one (`what` says why, for the refusal), or null after
 * writing why there is none: the sandbox is configured, or the kubeconfig cannot be loaded.
 */
export function openKubernetesCluster(config: Config, what: string, errors: NodeJS.WritableStream): KubernetesCluster | null {
  if (config.cluster.kind !== 'kubernetes') {
    errors.write(`awoooi: ${what}: set AWOOOI_CLUSTER=kubernetes (and KUBECONFIG or run in-cluster)\n`);
    return null;
  }
  try {
    return new KubernetesCluster({ kubeconfig: config.cluster.kubeconfig, context: config.cluster.context, namespaces: config.cluster.namespaces });
  } catch (error) {
    errors.write(`awoooi: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
}
