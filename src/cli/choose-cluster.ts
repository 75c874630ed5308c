import type { Config } from '../config/config-schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';
import { McpCluster } from '../../adapters/mcp/mcp-cluster.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';

export type ChosenCluster = { ok: true; cluster: ClusterPort } | { ok: false; errors: string[] };

/**
 * The sandbox (simulated) unless `AWOOOI_CLUSTER=kubernetes`. A real cluster refuses demo people: whoever opens the
 * console must not be able to sign a change to production as "alice".
 */
export function chooseCluster(config: Config, clock: Clock): ChosenCluster {
  const mcpActions = Object.keys(config.mcp.actions).length > 0;
  if (config.cluster.kind === 'sandbox') {
    if (mcpActions) return { ok: false, errors: ['mcp.actions: MCP execution needs a real cluster for its dry-runs (AWOOOI_CLUSTER=kubernetes)'] };
    return { ok: true, cluster: SandboxCluster.withDemoData({ clock }) };
  }
  if (config.approvals.people.length === 0) {
    return {
      ok: false,
      errors: ['AWOOOI_CLUSTER=kubernetes: configure approvals.people; the demo people (alice, bob, carol, dave) may not sign changes to a real cluster'],
    };
  }
  try {
    const kubernetes = new KubernetesCluster({
      kubeconfig: config.cluster.kubeconfig,
      context: config.cluster.context,
      namespaces: config.cluster.namespaces,
      argocd: config.cluster.argocd,
      clock,
    });
    return { ok: true, cluster: mcpActions ? new McpCluster(kubernetes, config.mcp) : kubernetes };
  } catch (error) {
    return { ok: false, errors: [`AWOOOI_CLUSTER=kubernetes: ${error instanceof Error ? error.message : String(error)}`] };
  }
}
