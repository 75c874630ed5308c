import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A real Prometheus (Debian's `prometheus` package) on a loopback port, over a TSDB made from OpenMetrics text. */
export interface RealPrometheus {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Builds blocks with `promtool tsdb create-blocks-from openmetrics` and starts `prometheus` on them (long retention,
 * so that old blocks stay). Throws when the binaries are missing: `apt-get install -y prometheus` (.ci/run does).
 */
export async function startRealPrometheus(openMetrics: string): Promise<RealPrometheus> {
  const directory = mkdtempSync(join(tmpdir(), 'awoooi-prometheus-'));
  const data = join(directory, 'data');
  writeFileSync(join(directory, 'metrics.om'), openMetrics);
  writeFileSync(join(directory, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(directory, 'metrics.om'), data]);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=3650d',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`prometheus did not become ready: ${log}`);
}
