import type { PostgresPool } from 'kysely';
import pg from 'pg';
import type { DatabaseHealth } from './database-health.ts';
import { preparedQuery } from './prepared-statement.ts';

export interface ObservedPool {
  /** The pg pool itself, for clients that speak pg (pg-boss's executor goes through kysely instead). */
  pool: pg.Pool;
  /** What kysely's PostgresDialect takes: the same pool, reporting failed connection attempts. */
  dialectPool: PostgresPool;
}

/**
 * A pg pool whose connections may die at any moment without taking the process with them. pg-pool listens
 * for a client's `error` only while the client is idle; a connection that dies while checked out (a query
 * or transaction in flight when PostgreSQL restarts, fails over or runs pg_terminate_backend) emits `error`
 * with nobody listening, and Node ends the process. So every client gets its own listener from birth. The
 * query in flight still fails on its own, and the pool drops the dead client when it is released.
 */
export function createObservedPool(config: pg.PoolConfig, health: DatabaseHealth, options: { prepare?: boolean } = {}): ObservedPool {
  const pool = new pg.Pool(config);
  pool.on('connect', (client) => {
    client.on('error', (error) => health.failed(error, 'connection'));
    if (options.prepare) prepareMarkedStatements(client);
  });
  // An idle client losing its server: the pool has already dropped it.
  pool.on('error', (error) => health.failed(error, 'idle connection'));
  return {
    pool,
    dialectPool: {
      connect: async () => {
        try {
          return await pool.connect();
        } catch (error) {
          health.failed(error, 'connect');
          throw error;
        }
      },
      end: () => pool.end(),
    },
  };
}

/**
 * Statements marked with `prepared(name)` go to PostgreSQL as named statements: parsed and planned once per
 * connection. Not on the embedded database: its connections share one session, where a name prepared by a
 * connection that has since been replaced would still exist.
 */
function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const named = typeof text === 'string' && Array.isArray(values) ? preparedQuery(text, values) : null;
    return named === null ? query(text, values, callback) : query(named, callback);
  };
}
