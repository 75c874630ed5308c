import { compactRows, prefixSum, transpose } from './csr.ts';
import { serviceKinds, type ServiceKind, type TopologyService } from './topology.ts';

/** `upstream` = who depends on the node (its dependents); `downstream` = what the node depends on. */
export type Direction = 'upstream' | 'downstream';

/**
 * Nodes reached by a BFS, in visiting order, with their hop distance from the nearest start node and
 * the node they were reached from (-1 for start nodes). Views into the graph's scratch buffers:
 * valid until the next `bfs` or `connected` call on the same graph; copy what you keep.
 */
export interface BfsResult {
  nodes: Int32Array;
  depths: Int32Array;
  parents: Int32Array;
}

/**
 * The topology as an immutable, index-addressed graph in compressed sparse rows (one CSR per direction),
 * so a depth-limited BFS on a 100k-node topology touches flat typed arrays only and allocates nothing
 * but the result views. Not safe for concurrent queries sharing one instance (single-threaded JS is fine).
 */
export class TopologyGraph {
  readonly size: number;
  readonly #names: readonly string[];
  readonly #kinds: Uint8Array;
  readonly #namespaces: readonly (string | undefined)[];
  readonly #index: ReadonlyMap<string, number>;
  readonly #downOffsets: Int32Array;
  readonly #downTargets: Int32Array;
  readonly #upOffsets: Int32Array;
  readonly #upTargets: Int32Array;
  // Scratch: a node is visited in the current query when #visited[node] === #epoch, so no clearing.
  readonly #visited: Uint32Array;
  #epoch = 0;
  readonly #queue: Int32Array;
  readonly #depths: Int32Array;
  readonly #parents: Int32Array;
  readonly #positionOf: Int32Array;

  private constructor(
    names: string[],
    kinds: Uint8Array,
    namespaces: (string | undefined)[],
    index: Map<string, number>,
    down: { offsets: Int32Array; targets: Int32Array },
  ) {
    const n = names.length;
    this.size = n;
    this.#names = names;
    this.#kinds = kinds;
    this.#namespaces = namespaces;
    this.#index = index;
    this.#downOffsets = down.offsets;
    this.#downTargets = down.targets;
    const up = transpose(n, down.offsets, down.targets);
    this.#upOffsets = up.offsets;
    this.#upTargets = up.targets;
    this.#visited = new Uint32Array(n);
    this.#queue = new Int32Array(n);
    this.#depths = new Int32Array(n);
    this.#parents = new Int32Array(n);
    this.#positionOf = new Int32Array(n);
  }

  /**
   * Builds the graph. Tolerates input `parseTopology` would reject: dependencies on unknown names and
   * self-dependencies are dropped, repeated edges kept once, and a repeated name merges into the first.
   */
  static build(services: readonly TopologyService[]): TopologyGraph {
    const index = new Map<string, number>();
    const names: string[] = [];
    const namespaces: (string | undefined)[] = [];
    const kindCodes: number[] = [];
    const nodeOfEntry = new Int32Array(services.length);
    let edgeCount = 0;
    for (let e = 0; e < services.length; e++) {
      const service = services[e]!;
      let node = index.get(service.name);
      if (node === undefined) {
        node = names.length;
        index.set(service.name, node);
        names.push(service.name);
        namespaces.push(service.namespace);
        kindCodes.push(Math.max(0, serviceKinds.indexOf(service.kind)));
      }
      nodeOfEntry[e] = node;
      edgeCount += service.dependsOn.length;
    }
    const n = names.length;
    const degree = new Int32Array(n + 1);
    const src = new Int32Array(edgeCount);
    const dst = new Int32Array(edgeCount);
    let m = 0;
    for (let e = 0; e < services.length; e++) {
      const from = nodeOfEntry[e]!;
      for (const dep of services[e]!.dependsOn) {
        const to = index.get(dep);
        if (to === undefined || to === from) continue;
        src[m] = from;
        dst[m] = to;
        m++;
        degree[from + 1]!++;
      }
    }
    const down = compactRows(n, prefixSum(degree), src, dst, m);
    return new TopologyGraph(names, Uint8Array.from(kindCodes), namespaces, index, down);
  }

  /** Node index of a service name, -1 when the topology does not have it. */
  indexOf(name: string): number {
    return this.#index.get(name) ?? -1;
  }

  nameOf(node: number): string {
    return this.#names[node] ?? missing(node, this.size);
  }

  kindOf(node: number): ServiceKind {
    const kind = serviceKinds[this.#kinds[node] ?? -1];
    return kind ?? missing(node, this.size);
  }

  namespaceOf(node: number): string | undefined {
    if (node < 0 || node >= this.size) missing(node, this.size);
    return this.#namespaces[node];
  }

  /** What `node` depends on (downstream neighbours), as a view. */
  dependenciesOf(node: number): Int32Array {
    return this.#downTargets.subarray(this.#downOffsets[node], this.#downOffsets[node + 1]);
  }

  /** Who depends on `node` (upstream neighbours), as a view. */
  dependentsOf(node: number): Int32Array {
    return this.#upTargets.subarray(this.#upOffsets[node], this.#upOffsets[node + 1]);
  }

  /**
   * Multi-source BFS up to `maxDepth` hops. Start nodes out of range (e.g. -1 from `indexOf`) are ignored.
   * The result is a view into scratch buffers, overwritten by the next query.
   */
  bfs(start: readonly number[], direction: Direction, maxDepth: number): BfsResult {
    const epoch = this.#reserveEpochs(1);
    const tail = this.#search(start, direction, maxDepth, epoch, -1);
    return {
      nodes: this.#queue.subarray(0, tail),
      depths: this.#depths.subarray(0, tail),
      parents: this.#parents.subarray(0, tail),
    };
  }

  /**
   * Path from a start node to `node` along the last `bfs` (start first), or [] if that BFS did not reach it.
   */
  pathTo(node: number): number[] {
    if (node < 0 || node >= this.size || this.#visited[node] !== this.#epoch) return [];
    const path: number[] = [];
    for (let at = node; at !== -1; at = this.#parents[this.#positionOf[at]!]!) path.push(at);
    return path.reverse();
  }

  /**
   * Whether two nodes plausibly belong to one failure cascade: one reaches the other within `maxDepth`
   * hops (in either direction), or both depend, within `maxDepth` hops each, on a common node.
   */
  connected(a: number, b: number, maxDepth: number): boolean {
    if (a < 0 || b < 0 || a >= this.size || b >= this.size) return false;
    if (a === b) return true;
    const first = this.#reserveEpochs(2);
    this.#search([a], 'downstream', maxDepth, first, -1);
    if (this.#visited[b] === first) return true;
    // Everything b reaches (b itself included) is checked against a's marks before being re-marked.
    return this.#search([b], 'downstream', maxDepth, first + 1, first) < 0;
  }

  /** Runs the BFS; returns -1 (early) as soon as it meets a node marked with epoch `stopOn` (-1: never). */
  #search(start: readonly number[], direction: Direction, maxDepth: number, epoch: number, stopOn: number): number {
    const offsets = direction === 'downstream' ? this.#downOffsets : this.#upOffsets;
    const targets = direction === 'downstream' ? this.#downTargets : this.#upTargets;
    const visited = this.#visited;
    const queue = this.#queue;
    const depths = this.#depths;
    const parents = this.#parents;
    const positionOf = this.#positionOf;
    const n = this.size;
    let tail = 0;
    for (const s of start) {
      if (!(s >= 0 && s < n) || visited[s] === epoch) continue;
      if (visited[s] === stopOn) return -1;
      visited[s] = epoch;
      queue[tail] = s;
      depths[tail] = 0;
      parents[tail] = -1;
      positionOf[s] = tail++;
    }
    for (let head = 0; head < tail; head++) {
      const depth = depths[head]!;
      if (depth >= maxDepth) continue;
      const node = queue[head]!;
      for (let k = offsets[node]!, end = offsets[node + 1]!; k < end; k++) {
        const next = targets[k]!;
        if (visited[next] === epoch) continue;
        if (visited[next] === stopOn) return -1;
        visited[next] = epoch;
        queue[tail] = next;
        depths[tail] = depth + 1;
        parents[tail] = node;
        positionOf[next] = tail++;
      }
    }
    return tail;
  }

  /** Reserves `count` consecutive epochs and returns the first; wraps (one clear) every ~4 billion queries. */
  #reserveEpochs(count: number): number {
    if (this.#epoch > 0xffffffff - count) {
      this.#visited.fill(0);
      this.#epoch = 0;
    }
    const first = this.#epoch + 1;
    this.#epoch += count;
    return first;
  }
}

function missing(node: number, size: number): never {
  throw new RangeError(`topology node ${node} does not exist (size ${size})`);
}
