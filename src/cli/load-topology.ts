import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config-schema.ts';
import { readTopologyFile } from '../topology/read-topology-file.ts';
import { TopologyGraph } from '../topology/topology-graph.ts';
import type { TopologyService } from '../topology/topology.ts';

/** The demo shop of the sandbox cluster, used when no topology file is configured. */
export const demoTopologyPath = fileURLToPath(new URL('../../adapters/sandbox/demo-topology.yaml', import.meta.url));

export type LoadTopologyResult = { ok: true; graph: TopologyGraph; services: TopologyService[]; source: string } | { ok: false; errors: string[] };

/**
 * The configured topology file, or the sandbox's demo topology on embedded defaults. On a real cluster without a file
 * the topology starts empty (the demo shop is not there); discovery fills it.
 */
export async function loadTopology(config: Config): Promise<LoadTopologyResult> {
  if (config.cluster.kind === 'kubernetes' && config.topology.file === undefined) {
    return { ok: true, graph: TopologyGraph.build([]), services: [], source: 'no topology file' };
  }
  const path = config.topology.file ?? demoTopologyPath;
  const result = await readTopologyFile(path);
  if (!result.ok) return result;
  return {
    ok: true,
    graph: TopologyGraph.build(result.services),
    services: result.services,
    source: config.topology.file ? `${path} (${result.services.length} services)` : `demo topology of the sandbox (${result.services.length} services)`,
  };
}
