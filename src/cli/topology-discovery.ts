import type { Logger } from '../ports/logger.ts';
import { deadline } from '../ports/call-options.ts';
import { mergeTopology } from '../topology/merge-topology.ts';
import type { TopologyService } from '../topology/topology.ts';
import { TopologyGraph } from '../topology/topology-graph.ts';
import { discoverTopology } from '../../adapters/kubernetes/discover-topology.ts';
import type { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';

export interface TopologyDiscovery {
  /** The current graph: the topology file merged with the last successful discovery. */
  graph(): TopologyGraph;
  /** "3 services from the file + 12 discovered in the cluster". */
  source(): string;
  /** Discovers again now (the timer does this every `intervalMilliseconds`); keeps the last graph on failure. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Topology from the cluster, merged with the file, refreshed periodically. A failed discovery is logged and the last
 * graph stays: analysis never waits for the API server.
 */
export async function startTopologyDiscovery(
  cluster: KubernetesCluster,
  file: readonly TopologyService[],
  options: { log: Logger; intervalMilliseconds: number; timeoutMilliseconds: number },
): Promise<TopologyDiscovery> {
  let graph = TopologyGraph.build([...file]);
  let discovered = 0;
  const refresh = async () => {
    const result = await discoverTopology(cluster.apis, cluster.scope, deadline(options.timeoutMilliseconds)).catch((error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? error.message : String(error),
    }));
    if (!result.ok) {
      options.log.warn({ error: result.error }, 'topology discovery failed; the last topology stays');
      return;
    }
    const merged = mergeTopology(file, result.services);
    const changed = merged.length !== graph.size || discovered !== result.services.length;
    graph = TopologyGraph.build(merged);
    discovered = result.services.length;
    if (changed) options.log.info({ services: merged.length, discovered, fromFile: file.length }, 'topology discovered from the cluster');
  };
  await refresh();
  const timer = setInterval(() => void refresh(), options.intervalMilliseconds);
  timer.unref();
  return {
    graph: () => graph,
    source: () => `${file.length} services from the file + ${discovered} discovered in the cluster (every ${options.intervalMilliseconds / 60_000} min)`,
    refresh,
    stop: () => clearInterval(timer),
  };
}
