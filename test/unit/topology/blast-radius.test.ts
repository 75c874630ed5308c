import { describe, expect, it } from 'vitest';
import { blastRadius } from '../../../src/topology/blast-radius.ts';
import { TopologyGraph } from '../../../src/topology/topology-graph.ts';

// edge → checkout → payments → orders-db; checkout → cart → sessions; admin → orders-db; reports → admin
const graph = TopologyGraph.build([
  { name: 'edge', kind: 'ingress', dependsOn: ['checkout'] },
  { name: 'checkout', kind: 'service', dependsOn: ['payments', 'cart'] },
  { name: 'payments', kind: 'service', dependsOn: ['orders-db'] },
  { name: 'cart', kind: 'service', dependsOn: ['sessions'] },
  { name: 'admin', kind: 'service', dependsOn: ['orders-db'] },
  { name: 'reports', kind: 'service', dependsOn: ['admin'] },
  { name: 'orders-db', kind: 'database', dependsOn: [] },
  { name: 'sessions', kind: 'cache', dependsOn: [] },
]);

describe('blastRadius', () => {
  it('lists every dependent within maxDepth, nearest first, then by name', () => {
    expect(blastRadius(graph, ['orders-db'])).toEqual([
      { service: 'admin', depth: 1 },
      { service: 'payments', depth: 1 },
      { service: 'checkout', depth: 2 },
      { service: 'reports', depth: 2 },
      { service: 'edge', depth: 3 },
    ]);
  });

  it('honours maxDepth', () => {
    expect(blastRadius(graph, ['orders-db'], 1).map((e) => e.service)).toEqual(['admin', 'payments']);
  });

  it('measures depth from the nearest unhealthy service and leaves the unhealthy ones out', () => {
    expect(blastRadius(graph, ['orders-db', 'checkout'])).toEqual([
      { service: 'admin', depth: 1 },
      { service: 'edge', depth: 1 },
      { service: 'payments', depth: 1 },
      { service: 'reports', depth: 2 },
    ]);
  });

  it('ignores services the topology does not know', () => {
    expect(blastRadius(graph, ['ghost', 'sessions'])).toEqual([
      { service: 'cart', depth: 1 },
      { service: 'checkout', depth: 2 },
      { service: 'edge', depth: 3 },
    ]);
    expect(blastRadius(graph, ['ghost'])).toEqual([]);
  });
});
