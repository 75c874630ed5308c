import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Logger, silentLogger } from '../ports/logger.ts';
import { lockDataDirectory } from './data-directory-lock.ts';
import { DatabaseHealth } from './database-health.ts';
import type { DatabaseSchema } from './database-schema.ts';
import { createObservedPool } from './observed-pool.ts';

// timestamptz and bigint come back as Date and string by default; keep bigint exact, as text.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export interface DatabaseHandle {
  db: Kysely<DatabaseSchema>;
  /** Where other clients of the same database (the job queue) connect. */
  connectionString: string;
  /** "PostgreSQL at host:port/db" or "embedded PGlite in ./.awoooi/pgdata". Never contains a password. */
  description: string;
  embedded: boolean;
  /** Whether the database answers, as this process's queries see it (logged once per change). */
  health: DatabaseHealth;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for a PostgreSQL server; the embedded database always uses one connection (see below). */
  poolSize?: number;
  log?: Logger;
  /** Who opens an embedded data directory (`serve`, `migrate`…), for the lock and its refusal message. */
  purpose?: string;
  /** The embedded data directory's lock was lost (see data-directory-lock.ts): stop using it. */
  onLockLost?: (error: Error) => void;
}

/**
 * Opens PostgreSQL at `databaseUrl`, or, without one, an embedded PGlite kept in `dataDir` and served on a
 * loopback socket so that there is one database code path (pg driver) either way. An embedded data
 * directory is locked for this process first; if another process holds it, this throws
 * DataDirectoryLockedError and touches nothing.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const health = new DatabaseHealth(options.log ?? silentLogger);
  if (options.databaseUrl) {
    const { pool, dialectPool } = createObservedPool(
      { connectionString: options.databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000, application_name: 'awoooi' },
      health,
      { prepare: true },
    );
    const url = new URL(options.databaseUrl);
    return {
      db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: dialectPool }), log: observeQueries(health) }),
      connectionString: options.databaseUrl,
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      embedded: false,
      health,
      close: async () => {
        await pool.end().catch(() => {});
      },
    };
  }
  return openEmbeddedDatabase(options, health);
}

/** Every query's outcome tells `health` whether the database answers. */
function observeQueries(health: DatabaseHealth) {
  return (event: LogEvent) => {
    if (event.level === 'error') health.failed(event.error, 'query');
    else health.succeeded();
  };
}

async function openEmbeddedDatabase(options: OpenDatabaseOptions, health: DatabaseHealth): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  // pgvector ships with PGlite: the knowledge base's similarity search uses it when embeddings are on (ADR 0034).
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const inMemory = options.dataDir === 'memory://';
  const directory = inMemory ? 'memory://' : resolve(options.dataDir, 'pgdata');
  if (!inMemory) mkdirSync(directory, { recursive: true });
  const lock = inMemory
    ? null
    : await lockDataDirectory(resolve(options.dataDir), {
        displayName: options.dataDir,
        purpose: options.purpose ?? 'awoooi',
        log: options.log ?? silentLogger,
        onLost: options.onLockLost ?? ((error) => (options.log ?? silentLogger).error({ err: error }, 'data directory lock lost')),
      });
  let pglite: InstanceType<typeof PGlite>;
  let server: InstanceType<typeof PGLiteSocketServer>;
  try {
    pglite = await PGlite.create(directory, { extensions: { vector } });
    server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const connectionString = `postgres://postgres@${server.getServerConn()}/postgres`;
  // One connection: PGlite is one session, and its socket multiplexer mixes up interleaved extended-protocol
  // messages from several connections while one is inside a transaction ("portal does not exist").
  const { pool, dialectPool } = createObservedPool({ connectionString, max: 1 }, health);
  return {
    db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: dialectPool }), log: observeQueries(health) }),
    connectionString,
    description: inMemory ? 'embedded PGlite (in memory)' : `embedded PGlite in ${directory}`,
    embedded: true,
    health,
    close: async () => {
      await pool.end().catch(() => {});
      await server.stop();
      await pglite.close();
      await lock?.release();
    },
  };
}
