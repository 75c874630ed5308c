// CPU time spent by the bot's process and by the bench database's PostgreSQL backends, read from /proc. CPU
// seconds per 1,000 alerts move less than alerts per second when other work shares the machine (contention still
// inflates them), so the figure compares runs made back to back. Linux only; elsewhere it reports nothing.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const ticksPerSecond = 100;

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** CPU seconds so far: the bot's, and each backend's of the bench database by pid. */
export interface CpuReading {
  bot: number;
  backends: Map<number, number>;
}

/** Reads the bot's CPU seconds and those of every backend serving `database` now. */
export async function readCpu(botPid: number, client: pg.Client, database: string): Promise<CpuReading> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return { bot: cpuSeconds(botPid), backends: new Map(rows.map((row) => [row.pid, cpuSeconds(row.pid)])) };
}

/** CPU seconds per 1,000 alerts between two readings; a backend that started in between counts from zero, one that ended is missed. */
export function cpuPerThousand(before: CpuReading, after: CpuReading, alerts: number) {
  let postgres = 0;
  for (const [pid, seconds] of after.backends) postgres += seconds - (before.backends.get(pid) ?? 0);
  const per = (seconds: number) => Number(((seconds * 1000) / alerts).toFixed(3));
  return { botSeconds: per(after.bot - before.bot), postgresSeconds: per(postgres) };
}
