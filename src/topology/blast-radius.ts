import type { TopologyGraph } from './topology-graph.ts';

/** A service affected by an unhealthy one, `depth` hops upstream of the nearest unhealthy service. */
export interface BlastRadiusEntry {
  service: string;
  depth: number;
}

/**
 * Who is hurt when `unhealthy` services fail: everything that depends on them, directly or within
 * `maxDepth` hops, nearest first (then by name). The unhealthy services themselves are not listed,
 * and names missing from the topology are ignored.
 */
export function blastRadius(graph: TopologyGraph, unhealthy: readonly string[], maxDepth = 3): BlastRadiusEntry[] {
  const start = unhealthy.map((name) => graph.indexOf(name)).filter((node) => node >= 0);
  // One multi-source BFS gives each dependent its distance to the nearest unhealthy service.
  const { nodes, depths } = graph.bfs(start, 'upstream', maxDepth);
  const affected: BlastRadiusEntry[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const depth = depths[i]!;
    if (depth > 0) affected.push({ service: graph.nameOf(nodes[i]!), depth });
  }
  return affected.sort((a, b) => a.depth - b.depth || compareText(a.service, b.service));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
