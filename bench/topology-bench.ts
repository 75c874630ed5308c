// TopologyGraph (CSR + epoch-marked scratch buffers) against graphology + graphology-traversal, same run,
// same graphs, same start nodes. Run: `node bench/topology-bench.ts`. Not a test: it only measures.
import graphology from 'graphology';
import { bfsFromNode } from 'graphology-traversal';
import { prng } from './prng.ts';
import { serviceKinds, type TopologyService } from '../src/topology/topology.ts';
import { type Direction, TopologyGraph } from '../src/topology/topology-graph.ts';

// graphology's types describe its CJS build (class under `.default`); Node loads its ESM build (class as default).
const Graph = ((graphology as { default?: unknown }).default ?? graphology) as typeof graphology.default;
type PeerGraph = InstanceType<typeof Graph>;

const outDegree = 3;
const maxDepth = 3;
const queries = 20_000;
const warmUp = 5_000;
const targets = { p99Us: 100, buildMs: 200 };

/** Figures for one graph size; times in milliseconds (build) and microseconds (one BFS). */
export interface SizeResult {
  nodes: number;
  edges: number;
  buildMs: number;
  p50Us: number;
  p99Us: number;
  downP50Us: number;
  downP99Us: number;
  upP50Us: number;
  upP99Us: number;
  avgReached: number;
  graphologyBuildMs: number;
  graphologyP50Us: number;
  graphologyP99Us: number;
  ratioP50: number;
  ratioP99: number;
  meetsTargets: boolean;
}

/** n services, each depending on `outDegree` distinct others (cycles allowed, as in real meshes). */
function randomTopology(n: number, seed: number): TopologyService[] {
  const random = prng(seed);
  const names = Array.from({ length: n }, (_, i) => `svc-${i}`);
  return names.map((name, i) => {
    const deps = new Set<number>();
    while (deps.size < Math.min(outDegree, n - 1)) {
      const target = Math.floor(random() * n);
      if (target !== i) deps.add(target);
    }
    const kind = serviceKinds[Math.floor(random() * serviceKinds.length)] ?? 'service';
    return { name, kind, dependsOn: [...deps].map((d) => names[d]!) };
  });
}

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

/** Runs `query` for each start after a warm-up; returns per-query microseconds, sorted. */
function measure(starts: Int32Array, query: (start: number) => number): { sorted: Float64Array; reached: number } {
  for (let i = 0; i < warmUp; i++) query(starts[i % starts.length]!);
  const samples = new Float64Array(starts.length);
  let reached = 0;
  for (let i = 0; i < starts.length; i++) {
    const t0 = process.hrtime.bigint();
    reached += query(starts[i]!);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return { sorted: samples.sort(), reached: reached / starts.length };
}

function merge(a: Float64Array, b: Float64Array): Float64Array {
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all.sort();
}

function buildGraphology(services: readonly TopologyService[]): PeerGraph {
  const graph = new Graph({ type: 'directed' });
  for (const s of services) graph.addNode(s.name, { kind: s.kind });
  for (const s of services) for (const dep of s.dependsOn) graph.addEdge(s.name, dep);
  return graph;
}

const round = (value: number) => Math.round(value * 100) / 100;

function benchSize(n: number, seed: number): SizeResult {
  const services = randomTopology(n, seed);
  const random = prng(seed ^ 0x9e3779b9);
  const starts = Int32Array.from({ length: queries }, () => Math.floor(random() * n));

  let ours = TopologyGraph.build(services);
  const buildMs = median(Array.from({ length: 5 }, () => timeMs(() => (ours = TopologyGraph.build(services)))));
  const one = [0];
  const oursQuery = (direction: Direction) => (start: number) => {
    one[0] = start;
    return ours.bfs(one, direction, maxDepth).nodes.length;
  };
  const down = measure(starts, oursQuery('downstream'));
  const up = measure(starts, oursQuery('upstream'));

  let peer = buildGraphology(services);
  const graphologyBuildMs = median(Array.from({ length: 3 }, () => timeMs(() => (peer = buildGraphology(services)))));
  const names = services.map((s) => s.name);
  const peerQuery = (mode: 'outbound' | 'inbound') => {
    const options = { mode };
    let count = 0;
    const visit = (_key: string, _attributes: unknown, depth: number) => {
      count++;
      return depth >= maxDepth;
    };
    return (start: number) => {
      count = 0;
      bfsFromNode(peer, names[start], visit, options);
      return count;
    };
  };
  const peerDown = measure(starts, peerQuery('outbound'));
  const peerUp = measure(starts, peerQuery('inbound'));
  if (Math.abs(peerDown.reached - down.reached) > 1e-9 || Math.abs(peerUp.reached - up.reached) > 1e-9) {
    throw new Error(`BFS mismatch at n=${n}: ours ${down.reached}/${up.reached}, graphology ${peerDown.reached}/${peerUp.reached}`);
  }

  const oursAll = merge(down.sorted, up.sorted);
  const peerAll = merge(peerDown.sorted, peerUp.sorted);
  const p50Us = percentile(oursAll, 0.5);
  const p99Us = percentile(oursAll, 0.99);
  const graphologyP50Us = percentile(peerAll, 0.5);
  const graphologyP99Us = percentile(peerAll, 0.99);
  return {
    nodes: n,
    edges: services.reduce((sum, s) => sum + s.dependsOn.length, 0),
    buildMs: round(buildMs),
    p50Us: round(p50Us),
    p99Us: round(p99Us),
    downP50Us: round(percentile(down.sorted, 0.5)),
    downP99Us: round(percentile(down.sorted, 0.99)),
    upP50Us: round(percentile(up.sorted, 0.5)),
    upP99Us: round(percentile(up.sorted, 0.99)),
    avgReached: round((down.reached + up.reached) / 2),
    graphologyBuildMs: round(graphologyBuildMs),
    graphologyP50Us: round(graphologyP50Us),
    graphologyP99Us: round(graphologyP99Us),
    ratioP50: round(graphologyP50Us / p50Us),
    ratioP99: round(graphologyP99Us / p99Us),
    meetsTargets: p99Us < targets.p99Us && buildMs < targets.buildMs,
  };
}

function printTable(key: string, r: SizeResult): void {
  const row = (label: string, ours: string, peer: string, ratio = '') =>
    console.log(`  ${label.padEnd(26)}${ours.padStart(12)}${peer.padStart(14)}${ratio.padStart(10)}`);
  console.log(`\n${key}: ${r.nodes} nodes, ${r.edges} edges, depth-${maxDepth} BFS, ${queries} starts per direction`);
  row('', 'ours', 'graphology', 'ratio');
  row('build (ms, median)', r.buildMs.toFixed(2), r.graphologyBuildMs.toFixed(2), `${(r.graphologyBuildMs / r.buildMs).toFixed(1)}x`);
  row('BFS p50 (µs, both dirs)', r.p50Us.toFixed(2), r.graphologyP50Us.toFixed(2), `${r.ratioP50.toFixed(1)}x`);
  row('BFS p99 (µs, both dirs)', r.p99Us.toFixed(2), r.graphologyP99Us.toFixed(2), `${r.ratioP99.toFixed(1)}x`);
  row('downstream p50 / p99 (µs)', `${r.downP50Us} / ${r.downP99Us}`, '');
  row('upstream p50 / p99 (µs)', `${r.upP50Us} / ${r.upP99Us}`, '');
  row('nodes reached per BFS', r.avgReached.toFixed(1), r.avgReached.toFixed(1));
  const verdict = r.meetsTargets ? 'met' : 'MISSED';
  console.log(`  targets (p99 < ${targets.p99Us} µs, build < ${targets.buildMs} ms): ${verdict}`);
}

/** Runs the benchmark, prints the table, and ends with one `BENCH topology {json}` line. */
export function main(): Record<string, SizeResult> {
  console.log(`topology bench — node ${process.version}, ${process.arch}`);
  const results: Record<string, SizeResult> = {
    n10k: benchSize(10_000, 42),
    n100k: benchSize(100_000, 4242),
  };
  for (const [key, result] of Object.entries(results)) printTable(key, result);
  console.log(`BENCH topology ${JSON.stringify(results)}`);
  return results;
}

if (import.meta.main) main();
