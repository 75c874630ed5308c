import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './database-schema.ts';

// timestamptz and bigint come back as Date and string by default; keep bigint exact, as text.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export interface DatabaseHandle {
  db: Kysely<DatabaseSchema>;
  /** Where other clients of the same database (the job queue) connect. */
  connectionString: string;
  /** "PostgreSQL at host:port/db" or "embedded PGlite in ./.awoooi/pgdata". Never contains a password. */
  description: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for a PostgreSQL server; the embedded database always uses one connection (see below). */
  poolSize?: number;
}

/**
 * Opens PostgreSQL at `databaseUrl`, or, without one, an embedded PGlite kept in `dataDir` and served on a
 * loopback socket so that there is one database code path (pg driver) either way.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const url = new URL(options.databaseUrl);
    return {
      db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }),
      connectionString: options.databaseUrl,
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      embedded: false,
      close: async () => {
        await pool.end().catch(() => {});
      },
    };
  }
  return openEmbeddedDatabase(options);
}

async function openEmbeddedDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const inMemory = options.dataDir === 'memory://';
  const directory = inMemory ? 'memory://' : resolve(options.dataDir, 'pgdata');
  if (!inMemory) mkdirSync(directory, { recursive: true });
  const pglite = await PGlite.create(directory);
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const connectionString = `postgres://postgres@${server.getServerConn()}/postgres`;
  // One connection: PGlite is one session, and its socket multiplexer mixes up interleaved extended-protocol
  // messages from several connections while one is inside a transaction ("portal does not exist").
  const pool = new pg.Pool({ connectionString, max: 1 });
  pool.on('error', () => {});
  return {
    db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }),
    connectionString,
    description: inMemory ? 'embedded PGlite (in memory)' : `embedded PGlite in ${directory}`,
    embedded: true,
    close: async () => {
      await pool.end().catch(() => {});
      await server.stop();
      await pglite.close();
    },
  };
}
