/** What a node of the topology is. Root-cause ranking uses it as a prior (databases fail loudest). */
export const serviceKinds = ['service', 'database', 'cache', 'queue', 'ingress', 'external'] as const;

/** Kind of a topology node: `service | database | cache | queue | ingress | external`. */
export type ServiceKind = (typeof serviceKinds)[number];

/** One node of the topology file, with the names of the nodes it depends on (its downstream). */
export interface TopologyService {
  /** Unique within the topology; alerts are matched to it through `serviceOfAlert`. */
  name: string;
  kind: ServiceKind;
  namespace?: string;
  /** Names of the services this one calls or reads from; each must exist in the topology. */
  dependsOn: string[];
}
