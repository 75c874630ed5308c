import { clusterNamesOf } from '../config/cluster-names.ts';
import type { Config } from '../config/config-schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterDirectory, ClusterPort } from '../ports/cluster-port.ts';
import type { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';
import { McpCluster } from '../../adapters/mcp/mcp-cluster.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { kubernetesClusterEntries, openKubernetesClusterEntry } from './kubernetes-cluster-entries.ts';

/**
 * `cluster`: the default cluster (FinOps, topology discovery, and every incident when there is one cluster);
 * `clusters`: all of them by name when `cluster.clusters` is configured (ADR 0032).
 */
export type ChosenCluster = { ok: true; cluster: ClusterPort; clusters?: ClusterDirectory & { all(): ClusterPort[] } } | { ok: false; errors: string[] };

/**
 * The sandbox (simulated) unless `AWOOOI_CLUSTER=kubernetes`. A real cluster refuses demo people: whoever opens the
 * console must not be able to sign a change to production as "alice". MCP execution wraps the default cluster, and
 * others only where `mcp: true` says so — then every mapping must pass the cluster (`{cluster.context}`): an MCP
 * server acts on one cluster unless told which, and a plan dry-run on one must never be written to another.
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
  const entries = kubernetesClusterEntries(config);
  const defaultName = clusterNamesOf(config).defaultName;
  const viaMcp = (entry: (typeof entries)[number]) => mcpActions && (entry.mcp ?? entry.name === defaultName);
  const errors: string[] = [];
  if (entries.filter(viaMcp).length > 1) {
    for (const [action, mapping] of Object.entries(config.mcp.actions)) {
      if (!JSON.stringify(mapping.arguments).includes('{cluster.'))
        errors.push(
          `mcp.actions.${action}: MCP runs on several clusters (cluster.clusters[].mcp): pass the cluster in its arguments, e.g. context: "{cluster.context}"`,
        );
    }
    if (errors.length > 0) return { ok: false, errors };
  }
  const withMcp = (kubernetes: KubernetesCluster, entry: (typeof entries)[number]): ClusterPort =>
    new McpCluster(kubernetes, { ...config.mcp, cluster: { name: entry.name, context: entry.context } });
  const ports = new Map<string, ClusterPort>();
  for (const entry of entries) {
    try {
      const kubernetes = openKubernetesClusterEntry(config, entry, clock);
      ports.set(entry.name, viaMcp(entry) ? withMcp(kubernetes, entry) : kubernetes);
    } catch (error) {
      const where = config.cluster.clusters.length > 0 ? `cluster ${entry.name}` : 'AWOOOI_CLUSTER=kubernetes';
      errors.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const cluster = ports.get(defaultName)!;
  if (config.cluster.clusters.length === 0) return { ok: true, cluster };
  return { ok: true, cluster, clusters: namedClusters(ports, defaultName) };
}

/**
 * A directory over clusters opened by name. "default" (what incidents from before several clusters carry, migration
 * 0018) is the default cluster unless a cluster has that name: they happened on the one cluster there was.
 */
export function namedClusters(ports: ReadonlyMap<string, ClusterPort>, defaultName: string): ClusterDirectory & { all(): ClusterPort[] } {
  return {
    defaultName,
    get: (name) => ports.get(name) ?? (name === 'default' ? ports.get(defaultName) : undefined),
    all: () => [...ports.values()],
  };
}
