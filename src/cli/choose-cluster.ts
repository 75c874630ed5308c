import type { Config } from '../config/config-schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';

export type ChosenCluster = { ok: true; cluster: ClusterPort } | { ok: false; errors: string[] };

/**
 * The sandbox (simulated) unless `AWOOOI_CLUSTER=kubernetes`. A real cluster refuses demo people: whoever opens the
 * console must not be able to sign a change to production as "alice".
 */
export function chooseCluster(config: Config, clock: Clock): ChosenCluster {
  if (config.cluster.kind === 'sandbox') return { ok: true, cluster: SandboxCluster.withDemoData({ clock }) };
  if (config.approvals.people.length === 0) {
    return {
      ok: false,
      errors: ['AWOOOI_CLUSTER=kubernetes: configure approvals.people; the demo people (alice, bob, carol, dave) may not sign changes to a real cluster'],
    };
  }
  try {
    return {
      ok: true,
      cluster: new KubernetesCluster({
        kubeconfig: config.cluster.kubeconfig,
        context: config.cluster.context,
        namespaces: config.cluster.namespaces,
        argocd: config.cluster.argocd,
        clock,
      }),
    };
  } catch (error) {
    return { ok: false, errors: [`AWOOOI_CLUSTER=kubernetes: ${error instanceof Error ? error.message : String(error)}`] };
  }
}
