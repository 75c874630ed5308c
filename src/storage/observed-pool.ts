import type { PostgresPool } from 'kysely';
import pg from 'pg';
import type { DatabaseHealth } from './database-health.ts';

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
export function createObservedPool(config: pg.PoolConfig, health: DatabaseHealth): ObservedPool {
  const pool = new pg.Pool(config);
  pool.on('connect', (client) => {
    client.on('error', (error) => health.failed(error, 'connection'));
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
