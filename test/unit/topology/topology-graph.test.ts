import { describe, expect, it } from 'vitest';
import type { TopologyService } from '../../../src/topology/topology.ts';
import { type Direction, TopologyGraph } from '../../../src/topology/topology-graph.ts';

const service = (name: string, dependsOn: string[] = [], kind: TopologyService['kind'] = 'service'): TopologyService => ({
  name,
  kind,
  dependsOn,
});

// ingress → web → api → db, api → cache, worker → db
const shop = TopologyGraph.build([
  service('ingress', ['web'], 'ingress'),
  service('web', ['api']),
  service('api', ['db', 'cache']),
  service('db', [], 'database'),
  service('cache', [], 'cache'),
  { name: 'worker', kind: 'service', namespace: 'jobs', dependsOn: ['db'] },
]);

function reached(graph: TopologyGraph, from: string[], direction: Direction, maxDepth: number) {
  const { nodes, depths } = graph.bfs(
    from.map((name) => graph.indexOf(name)),
    direction,
    maxDepth,
  );
  return Object.fromEntries(Array.from(nodes, (node, i) => [graph.nameOf(node), depths[i]]));
}

const names = (graph: TopologyGraph, nodes: Int32Array) => Array.from(nodes, (n) => graph.nameOf(n));

describe('TopologyGraph', () => {
  it('indexes names, kinds and namespaces', () => {
    expect(shop.size).toBe(6);
    const worker = shop.indexOf('worker');
    expect(shop.nameOf(worker)).toBe('worker');
    expect(shop.kindOf(shop.indexOf('db'))).toBe('database');
    expect(shop.namespaceOf(worker)).toBe('jobs');
    expect(shop.namespaceOf(shop.indexOf('api'))).toBeUndefined();
    expect(shop.indexOf('nope')).toBe(-1);
    expect(() => shop.nameOf(99)).toThrow(RangeError);
  });

  it('keeps both directions of every edge', () => {
    expect(names(shop, shop.dependenciesOf(shop.indexOf('api')))).toEqual(['db', 'cache']);
    expect(names(shop, shop.dependentsOf(shop.indexOf('db'))).sort()).toEqual(['api', 'worker']);
    expect(shop.dependenciesOf(shop.indexOf('db'))).toHaveLength(0);
  });

  it('drops dangling and self edges, keeps repeated edges once, merges repeated names', () => {
    const graph = TopologyGraph.build([service('a', ['b', 'b', 'a', 'ghost']), service('b'), service('a', ['c', 'b']), service('c')]);
    expect(graph.size).toBe(3);
    expect(names(graph, graph.dependenciesOf(graph.indexOf('a')))).toEqual(['b', 'c']);
    expect(names(graph, graph.dependentsOf(graph.indexOf('b')))).toEqual(['a']);
  });

  it('walks downstream (dependencies) and upstream (dependents) with hop counts', () => {
    expect(reached(shop, ['web'], 'downstream', 3)).toEqual({ web: 0, api: 1, db: 2, cache: 2 });
    expect(reached(shop, ['db'], 'upstream', 3)).toEqual({ db: 0, api: 1, worker: 1, web: 2, ingress: 3 });
  });

  it('stops at maxDepth', () => {
    expect(reached(shop, ['db'], 'upstream', 2)).toEqual({ db: 0, api: 1, worker: 1, web: 2 });
    expect(reached(shop, ['db'], 'upstream', 0)).toEqual({ db: 0 });
  });

  it('terminates on cycles and visits each node once', () => {
    const ring = TopologyGraph.build([service('a', ['b']), service('b', ['c']), service('c', ['a'])]);
    expect(reached(ring, ['a'], 'downstream', 10)).toEqual({ a: 0, b: 1, c: 2 });
    expect(reached(ring, ['a'], 'upstream', 10)).toEqual({ a: 0, c: 1, b: 2 });
  });

  it('gives each node its distance to the nearest of several starts, ignoring -1', () => {
    expect(reached(shop, ['db', 'web', 'nope'], 'upstream', 3)).toEqual({ db: 0, web: 0, api: 1, worker: 1, ingress: 1 });
  });

  it('keeps parent pointers from which paths can be rebuilt', () => {
    const { nodes, parents } = shop.bfs([shop.indexOf('ingress')], 'downstream', 3);
    const db = shop.indexOf('db');
    expect(parents[nodes.indexOf(db)]).toBe(shop.indexOf('api'));
    expect(parents[0]).toBe(-1);
    expect(names(shop, Int32Array.from(shop.pathTo(db)))).toEqual(['ingress', 'web', 'api', 'db']);
    expect(shop.pathTo(shop.indexOf('worker'))).toEqual([]);
  });

  it('reuses its buffers without leaking marks from one query into the next', () => {
    for (let i = 0; i < 1000; i++) shop.bfs([shop.indexOf('ingress')], 'downstream', 3);
    expect(reached(shop, ['worker'], 'downstream', 3)).toEqual({ worker: 0, db: 1 });
  });

  describe('connected', () => {
    const i = (name: string) => shop.indexOf(name);

    it('is true when one reaches the other, in either direction, within maxDepth', () => {
      expect(shop.connected(i('web'), i('db'), 3)).toBe(true);
      expect(shop.connected(i('db'), i('web'), 3)).toBe(true);
      expect(shop.connected(i('ingress'), i('db'), 2)).toBe(false);
      expect(shop.connected(i('ingress'), i('db'), 3)).toBe(true);
    });

    it('is true when both depend on a common node within maxDepth', () => {
      expect(shop.connected(i('worker'), i('web'), 2)).toBe(true);
      expect(shop.connected(i('worker'), i('web'), 1)).toBe(false);
      expect(shop.connected(i('worker'), i('cache'), 3)).toBe(false);
    });

    it('is true for a node with itself and false for unknown nodes', () => {
      expect(shop.connected(i('db'), i('db'), 0)).toBe(true);
      expect(shop.connected(i('nope'), i('db'), 3)).toBe(false);
    });
  });
});
