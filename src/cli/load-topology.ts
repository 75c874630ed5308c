import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config-schema.ts';
import { readTopologyFile } from '../topology/read-topology-file.ts';
import { TopologyGraph } from '../topology/topology-graph.ts';

/** The demo shop of the sandbox cluster, used when no topology file is configured. */
export const demoTopologyPath = fileURLToPath(new URL('../../adapters/sandbox/demo-topology.yaml', import.meta.url));

export type LoadTopologyResult = { ok: true; graph: TopologyGraph; source: string } | { ok: false; errors: string[] };

/** The configured topology file, or the sandbox's demo topology on embedded defaults. */
export async function loadTopology(config: Config): Promise<LoadTopologyResult> {
  const path = config.topology.file ?? demoTopologyPath;
  const result = await readTopologyFile(path);
  if (!result.ok) return result;
  return {
    ok: true,
    graph: TopologyGraph.build(result.services),
    source: config.topology.file ? `${path} (${result.services.length} services)` : `demo topology of the sandbox (${result.services.length} services)`,
  };
}
