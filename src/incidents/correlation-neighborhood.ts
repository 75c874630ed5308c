import type { TopologyGraph } from '../topology/topology-graph.ts';

/**
 * Every service that `TopologyGraph.connected` could find connected to one of `services`: what they reach
 * downstream, and everything that reaches those within the depth. Used to fetch only the open incidents that
 * could absorb an alert, so an alert storm with thousands of open incidents does not scan them all.
 */
export function correlationNeighborhood(graph: TopologyGraph, services: readonly string[], maxDepth: number): string[] {
  const names = new Set(services);
  const start = services.map((service) => graph.indexOf(service)).filter((node) => node >= 0);
  if (start.length === 0) return [...names];
  // bfs() returns views into shared buffers: copy before the next search.
  const downstream = Array.from(graph.bfs(start, 'downstream', maxDepth).nodes);
  for (const node of downstream) names.add(graph.nameOf(node));
  for (const node of graph.bfs(downstream, 'upstream', maxDepth).nodes) names.add(graph.nameOf(node));
  return [...names];
}
