import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const megabytes = 100;

/** Peak resident memory of a process, from /proc (Linux); undefined once it has exited. */
function peakResidentKilobytes(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

describe('awoooi redact on a large input (child process)', () => {
  it(`streams ${megabytes} MB through in bounded memory, line for line, with no planted value left`, async () => {
    // The heap cap makes a version that buffers the input fail outright (out of memory) instead of merely using
    // more: the input alone is 100 MB, its lines as strings as much again.
    const child = spawn(process.execPath, ['--max-old-space-size=128', 'bin/awoooi.js', 'redact'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let outputLines = 0;
    let leaked = 0;
    let tail = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const text = tail + chunk;
      const lines = text.split('\n');
      tail = lines.pop()!;
      outputLines += lines.length;
      for (const line of lines) if (/10\.7\.\d+\.\d+|@example\.com|hunter/.test(line)) leaked++;
    });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, peakResidentKilobytes(child.pid!) ?? 0);
    }, 100);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    let inputLines = 0;
    let written = 0;
    const target = megabytes * 1024 * 1024;
    while (written < target) {
      const batch: string[] = [];
      for (let index = 0; index < 500; index++, inputLines++) {
        const n = inputLines % 997;
        batch.push(
          `2024-05-01T13:21:${String(n % 60).padStart(2, '0')}.123Z level=error pod=checkout-7d9f8b6c5d-x2k4p addr=10.7.${n % 256}.${(n >> 2) % 256}:5432 ` +
            `owner=user${n}@example.com password=hunter${n} took 250ms v1.25.0`,
        );
      }
      const chunk = `${batch.join('\n')}\n`;
      written += chunk.length;
      if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end();
    const code = await exited;
    clearInterval(sampler);

    expect(code).toBe(0);
    expect(tail).toBe('');
    expect(outputLines).toBe(inputLines);
    expect(leaked).toBe(0);
    // Node with the TypeScript loader takes ~145 MB here before reading a byte (`awoooi --version` peaks there).
    expect(peak).toBeGreaterThan(0);
    expect(peak / 1024).toBeLessThan(240);
    process.stdout.write(`redact: ${megabytes} MB, ${inputLines} lines, peak RSS ${(peak / 1024).toFixed(0)} MB\n`);
  }, 300_000);
});
