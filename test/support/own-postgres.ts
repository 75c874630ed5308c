import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const binaries = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether this machine has Debian's PostgreSQL binaries, so a test can run a server of its own. */
export const ownPostgresAvailable = existsSync(join(binaries, 'initdb')) && existsSync(join(binaries, 'pg_ctl'));

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A PostgreSQL server of the test's own (initdb into a temp dir, trust auth, its own port and socket
 * directory) that the test may stop, restart and disrupt: the shared server on 5432 serves other tests and
 * is never touched. PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` user.
 */
export class OwnPostgres {
  readonly port: number;
  readonly directory: string;

  private constructor(port: number, directory: string) {
    this.port = port;
    this.directory = directory;
  }

  static async create(): Promise<OwnPostgres> {
    const directory = mkdtempSync(join(tmpdir(), 'awoooi-own-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: group } = await run('id', ['-g', 'postgres']);
      chownSync(directory, Number(stdout.trim()), Number(group.trim()));
    }
    const server = new OwnPostgres(await freePort(), directory);
    await server.#binary('initdb', ['-D', server.#dataDirectory, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await server.start();
    return server;
  }

  get #dataDirectory(): string {
    return join(this.directory, 'data');
  }

  /** Connection string of `database` on this server. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    await this.#pgCtl(['start', '-w', '-t', '30', '-l', join(this.directory, 'server.log'), '-o', this.#serverOptions()]);
  }

  async stop(): Promise<void> {
    await this.#pgCtl(['stop', '-w', '-t', '30', '-m', 'fast']);
  }

  /** `pg_ctl restart -m fast`: every session is terminated (57P01), the server is away for a moment. */
  async restart(): Promise<void> {
    // -l: a postmaster writing to our pipe would keep execFile waiting forever.
    await this.#pgCtl(['restart', '-w', '-t', '30', '-m', 'fast', '-l', join(this.directory, 'server.log'), '-o', this.#serverOptions()]);
  }

  /** What a failover or an operator does to one application: its backends killed, the server stays up. */
  async terminateBackends(database: string): Promise<number> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT count(*)::int AS killed FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) AS t',
        [database],
      );
      return rows[0].killed as number;
    } finally {
      await client.end();
    }
  }

  async createDatabase(name: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  }

  async destroy(): Promise<void> {
    await this.#pgCtl(['stop', '-w', '-t', '30', '-m', 'immediate']).catch(() => {});
    rmSync(this.directory, { recursive: true, force: true });
  }

  #serverOptions(): string {
    return `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  }

  #pgCtl(args: string[]) {
    return this.#binary('pg_ctl', ['-D', this.#dataDirectory, ...args]);
  }

  async #binary(name: string, args: string[]) {
    const path = join(binaries, name);
    if (process.getuid?.() === 0) return run('runuser', ['-u', 'postgres', '--', path, ...args], { cwd: this.directory });
    return run(path, args, { cwd: this.directory });
  }
}
