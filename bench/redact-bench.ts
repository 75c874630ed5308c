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

function corpus(megabytes: number): CorpusLine[] {
  const next = createCorpusGenerator(42);
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

function throughput(redact: (text: string) => string, text: string): number {
  const started = process.hrtime.bigint();
  redact(text);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Buffer.byteLength(text) / 1e6 / seconds;
}

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
    `recall and mangling on the first ${sliceMegabytes} MB (${slice.length} lines) for all three; redact-pii's speed on that slice too (it is slow)\n\n`,
);

const results = engines.map((engine) => {
  const text = engine.name.startsWith('redact-pii') ? sliceText : fullText;
  throughput(engine.redact, sliceText); // warm-up
  const speeds = Array.from({ length: engine.name.startsWith('redact-pii') ? Math.min(runs, 2) : runs }, () => throughput(engine.redact, text));
  const sorted = [...speeds].sort((a, b) => a - b);
  return { engine: engine.name, megabytesPerSecond: sorted[Math.floor(sorted.length / 2)]!, runs: speeds, ...quality(engine.redact, slice) };
});

const cell = (value: string, width: number) => value.padEnd(width);
process.stdout.write(`${cell('engine', 24)}${cell('MB/s median', 13)}${cell('runs', 34)}${cell('recall', 9)}mangled\n`);
for (const result of results)
  process.stdout.write(
    `${cell(result.engine, 24)}${cell(result.megabytesPerSecond.toFixed(1), 13)}${cell(result.runs.map((run) => run.toFixed(1)).join(' '), 34)}${cell(`${(result.recall * 100).toFixed(1)}%`, 9)}${result.mangled}/${result.kept}\n`,
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
      megabytesPerSecond: Number(result.megabytesPerSecond.toFixed(1)),
      runs: result.runs.map((run) => Number(run.toFixed(1))),
      recall: Number(result.recall.toFixed(4)),
      mangled: result.mangled,
      recallByType: Object.fromEntries(entityTypes.map((type) => [type, Number(((result.found[type] ?? 0) / (result.planted[type] || 1)).toFixed(3))])),
    },
  ]),
);
process.stdout.write(`\nBENCH redact ${JSON.stringify({ corpusMegabytes, goalMegabytesPerSecond: 50, ...summary })}\n`);
