import type { TopologyService } from './topology.ts';

/**
 * A topology file merged with what was discovered in the cluster: the file wins on a node's kind and namespace (a
 * person wrote it), edges of both count, discovered nodes the file lacks are added. Edges to unknown nodes are dropped.
 */
export function mergeTopology(file: readonly TopologyService[], discovered: readonly TopologyService[]): TopologyService[] {
  const merged = new Map<string, TopologyService>();
  for (const service of file) merged.set(service.name, { ...service, dependsOn: [...service.dependsOn] });
  for (const service of discovered) {
    const existing = merged.get(service.name);
    if (existing === undefined) merged.set(service.name, { ...service, dependsOn: [...service.dependsOn] });
    else existing.dependsOn = [...new Set([...existing.dependsOn, ...service.dependsOn])];
  }
  // An `external` placeholder the file names as something else is the file's node.
  return [...merged.values()].map((service) => ({ ...service, dependsOn: service.dependsOn.filter((name) => merged.has(name) && name !== service.name) }));
}
