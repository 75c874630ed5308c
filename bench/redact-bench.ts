// `awoooi redact` engine benchmark: MB/s of the line redactor on generated alert-style lines, side by side in the
// same run with the npm packages redact-pii and @redactpii/node, and each one's recall (planted entities no
// longer in the output, per type) and how many must-not-touch strings it mangled. Not a test: it prints figures.
import { Redactor } from '@redactpii/node';
import { SyncRedactor } from 'redact-pii';
import { entityTypes } from '../src/privacy/entity-type.ts';
import { LineRedactor } from '../src/privacy/line-redactor.ts';
import { createVault } from '../src/privacy/pseudonym-vault.ts';
import { type CorpusLine, createCorpusGenerator } from './redact-corpus.ts';

const corpusMegabytes = Number(process.env.BENCH_REDACT_MB ?? 32);
const sliceMegabytes = Number(process.env.BENCH_REDACT_SLICE_MB ?? 2);
const runs = Number(process.env.BENCH_REDACT_RUNS ?? 5);

function corpus(megabytes: number, distinctValues = 1000): CorpusLine[] {
  const next = createCorpusGenerator(42, distinctValues);
  const lines: CorpusLine[] = [];
  for (let size = 0; size < megabytes * 1e6; ) {
    const line = next();
    lines.push(line);
    size += line.text.length + 1;
  }
  return lines;
}

/** What `awoooi redact` does with stdin: 64 KiB chunks through one LineRedactor with one vault. */
function awoooiRedact(text: string): string {
  const redactor = new LineRedactor(createVault());
  let output = '';
  for (let offset = 0; offset < text.length; offset += 65536) output += redactor.write(text.slice(offset, offset + 65536));
  return output + redactor.end();
}

const engines: { name: string; redact: (text: string) => string; perLine: boolean }[] = [
  { name: 'awoooi redact', redact: awoooiRedact, perLine: false },
  { name: '@redactpii/node 1.0.17', redact: (text) => new Redactor().redact(text), perLine: false },
  { name: 'redact-pii 3.4.0', redact: (text) => new SyncRedactor().redact(text), perLine: false },
];

/**
 * MB/s by the wall clock, and by this process's CPU time: on a machine shared with other work the wall clock
 * also counts the time spent waiting for a core, CPU time does not (it does count GC threads, so it errs low).
 */
function throughput(redact: (text: string) => string, text: string): { wall: number; cpu: number } {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  redact(text);
  const cpu = process.cpuUsage(cpuBefore);
  const megabytes = Buffer.byteLength(text) / 1e6;
  return { wall: megabytes / (Number(process.hrtime.bigint() - started) / 1e9), cpu: megabytes / ((cpu.user + cpu.system) / 1e6) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function quality(redact: (text: string) => string, lines: CorpusLine[]) {
  const output = redact(lines.map((line) => line.text).join('\n')).split('\n');
  const planted: Record<string, number> = {};
  const found: Record<string, number> = {};
  let kept = 0;
  let mangled = 0;
  lines.forEach((line, index) => {
    const out = output[index] ?? '';
    for (const entity of line.planted) {
      planted[entity.type] = (planted[entity.type] ?? 0) + 1;
      if (!out.includes(entity.value)) found[entity.type] = (found[entity.type] ?? 0) + 1;
    }
    for (const text of line.kept) {
      kept++;
      if (!out.includes(text)) mangled++;
    }
  });
  const total = Object.values(planted).reduce((sum, count) => sum + count, 0);
  const hits = Object.values(found).reduce((sum, count) => sum + count, 0);
  return { recall: hits / total, found, planted, kept, mangled };
}

const full = corpus(corpusMegabytes);
const fullText = full.map((line) => line.text).join('\n');
const slice = full.slice(0, Math.round((full.length * sliceMegabytes) / corpusMegabytes));
const sliceText = slice.map((line) => line.text).join('\n');
process.stdout.write(
  `corpus: ${full.length} alert-style lines, ${(Buffer.byteLength(fullText) / 1e6).toFixed(1)} MB, ${full.reduce((n, line) => n + line.planted.length, 0)} planted entities of ${entityTypes.length} types\n` +
    `values drawn from a pool of 1000 per type (alerts repeat their hosts); recall and mangling on the first ${sliceMegabytes} MB (${slice.length} lines) for all three; redact-pii's speed on that slice too (it is slow)\n\n`,
);

const results = engines.map((engine) => {
  const slow = engine.name.startsWith('redact-pii');
  const text = slow ? sliceText : fullText;
  throughput(engine.redact, sliceText); // warm-up
  const speeds = Array.from({ length: slow ? Math.min(runs, 2) : runs }, () => throughput(engine.redact, text));
  const wall = speeds.map((speed) => speed.wall);
  const cpu = speeds.map((speed) => speed.cpu);
  return { engine: engine.name, wall, cpu, wallMedian: median(wall), cpuMedian: median(cpu), ...quality(engine.redact, slice) };
});
// The worst case for the vault: every planted value new (a vault entry each), same size of corpus.
const uniqueText = corpus(corpusMegabytes, 0)
  .map((line) => line.text)
  .join('\n');
const unique = Array.from({ length: Math.min(runs, 3) }, () => throughput(awoooiRedact, uniqueText));

const cell = (value: string, width: number) => value.padEnd(width);
const figures = (values: number[]) => values.map((value) => value.toFixed(1)).join(' ');
process.stdout.write(`${cell('engine', 24)}${cell('MB/s wall (runs)', 36)}${cell('MB/s cpu (runs)', 36)}${cell('recall', 9)}mangled\n`);
for (const result of results)
  process.stdout.write(
    `${cell(result.engine, 24)}${cell(`${result.wallMedian.toFixed(1)} (${figures(result.wall)})`, 36)}${cell(`${result.cpuMedian.toFixed(1)} (${figures(result.cpu)})`, 36)}${cell(`${(result.recall * 100).toFixed(1)}%`, 9)}${result.mangled}/${result.kept}\n`,
  );
process.stdout.write(
  `${cell('awoooi, all values new', 24)}${cell(`${median(unique.map((u) => u.wall)).toFixed(1)} (${figures(unique.map((u) => u.wall))})`, 36)}${cell(`${median(unique.map((u) => u.cpu)).toFixed(1)} (${figures(unique.map((u) => u.cpu))})`, 36)}\n` +
    `(a planted value counts as found when it is no longer in the output verbatim: a peer that mangles part of it gets the credit)\n`,
);
process.stdout.write(`\nrecall per type (found/planted)\n${cell('type', 22)}${results.map((result) => cell(result.engine, 24)).join('')}\n`);
for (const type of entityTypes) {
  const planted = results[0]!.planted[type] ?? 0;
  process.stdout.write(`${cell(type, 22)}${results.map((result) => cell(`${result.found[type] ?? 0}/${planted}`, 24)).join('')}\n`);
}
const summary = Object.fromEntries(
  results.map((result) => [
    result.engine,
    {
      megabytesPerSecondWall: Number(result.wallMedian.toFixed(1)),
      megabytesPerSecondCpu: Number(result.cpuMedian.toFixed(1)),
      runsWall: result.wall.map((run) => Number(run.toFixed(1))),
      runsCpu: result.cpu.map((run) => Number(run.toFixed(1))),
      recall: Number(result.recall.toFixed(4)),
      mangled: result.mangled,
      recallByType: Object.fromEntries(entityTypes.map((type) => [type, Number(((result.found[type] ?? 0) / (result.planted[type] || 1)).toFixed(3))])),
    },
  ]),
);
const allNew = {
  megabytesPerSecondWall: Number(median(unique.map((u) => u.wall)).toFixed(1)),
  megabytesPerSecondCpu: Number(median(unique.map((u) => u.cpu)).toFixed(1)),
};
process.stdout.write(
  `\nBENCH redact ${JSON.stringify({ corpusMegabytes, goalMegabytesPerSecond: 50, ...summary, 'awoooi redact, all values new': allNew })}\n`,
);
