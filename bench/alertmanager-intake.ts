// Alertmanager's own intake of the same alerts, for comparison: Debian's prometheus-alertmanager with a null
// receiver (nothing is sent anywhere), on a free port with a throwaway storage directory, fed through its API v2.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { closedLoop, freePort, post } from './bench-bot.ts';

const binary = process.env.BENCH_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

export type AlertmanagerIntake =
  | { ok: true; version: string; alertsPerSecond: number; p50Ms: number; p99Ms: number; failures: number }
  | { ok: false; reason: string };

/** Posts `bodies` (API v2 alert arrays) from `connections` connections; never a made-up number when it cannot run. */
export async function alertmanagerIntake(bodies: readonly { body: string; alerts: number }[], connections: number): Promise<AlertmanagerIntake> {
  if (!existsSync(binary)) return { ok: false, reason: `${binary} is not installed` };
  const directory = mkdtempSync(join(tmpdir(), 'awoooi-alertmanager-'));
  const config = join(directory, 'alertmanager.yml');
  writeFileSync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const port = await freePort();
  let stderr = '';
  const child = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    let version = '';
    for (let attempt = 0; !version; attempt++) {
      if (child.exitCode !== null || attempt > 100) return { ok: false, reason: `did not start: ${stderr.trim().split('\n').slice(-2).join(' ')}` };
      version = await fetch(`http://127.0.0.1:${port}/api/v2/status`).then(
        async (response) => (response.ok ? (((await response.json()) as { versionInfo?: { version?: string } }).versionInfo?.version ?? '?') : ''),
        () => '',
      );
      if (!version) await sleep(100);
    }
    const agent = new Agent({ keepAlive: true, maxSockets: connections });
    const target = { port, path: '/api/v2/alerts' };
    // Warm-up, as for the bot.
    for (const batch of bodies.slice(0, 50)) await post(agent, target, batch.body);
    const measured = await closedLoop((body) => post(agent, target, body), bodies, connections);
    agent.destroy();
    return { ok: true, version, alertsPerSecond: measured.alertsPerSecond, p50Ms: measured.p50Ms, p99Ms: measured.p99Ms, failures: measured.failures };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(directory, { recursive: true, force: true });
  }
}
