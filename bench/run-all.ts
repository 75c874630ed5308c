// `npm run bench`: every benchmark in its own process (so one's garbage does not slow the next), in turn.
// Each prints a human table and a final `BENCH <name> {json}` line; this repeats those lines at the end.
import { spawnSync } from 'node:child_process';

const benchmarks = ['bench/topology-bench.ts', 'bench/ingest-bench.ts', 'bench/card-latency-bench.ts', 'bench/chat-storm-bench.ts', 'bench/redact-bench.ts'];
const summary: string[] = [];
let failed = false;
for (const file of benchmarks) {
  process.stdout.write(`\n=== ${file}\n`);
  const run = spawnSync(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(run.stdout);
  if (run.status !== 0) failed = true;
  summary.push(...run.stdout.split('\n').filter((line) => line.startsWith('BENCH ')));
}
process.stdout.write(`\n=== summary\n${summary.join('\n')}\n`);
process.exitCode = failed ? 1 : 0;
