import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql, type Kysely } from 'kysely';
import type { ConsoleTables } from './console-tables.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Limiter keys name a client address: only their hash is stored. */
const hashOf = (key: string) => createHash('sha256').update(key).digest('base64url');

export interface PostgresRateLimits {
  /** The store class to hand to @fastify/rate-limit (`store:`). */
  Store: FastifyRateLimitStoreCtor;
  /** Forgets a key's count (a successful sign-in clears its failures). */
  reset(key: string): Promise<void>;
  /** Forgets windows that have ended; returns how many. */
  prune(): Promise<number>;
}

/**
 * A @fastify/rate-limit store in PostgreSQL, so that every replica counts into the same window and a restart
 * forgets nothing. Fixed windows: the first hit opens one of `timeWindow` ms, later hits count into it, and the
 * first hit after it ended opens the next. One upsert per hit, atomic under concurrent replicas; the
 * database's clock decides, which all replicas share.
 */
export function postgresRateLimits(db: Kysely<ConsoleTables>): PostgresRateLimits {
  const answer = (callback: Callback, work: Promise<{ current: number; ttl: number }>) => {
    work.then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  };
  const increment = async (key: string, timeWindow: number) => {
    const { rows } = await sql<{ hits: number; ttl: string }>`
      INSERT INTO console_rate_limits AS counter (key_hash, hits, resets_at)
      VALUES (${hashOf(key)}, 1, now() + ${timeWindow}::double precision * interval '1 millisecond')
      ON CONFLICT (key_hash) DO UPDATE SET
        hits = CASE WHEN counter.resets_at <= now() THEN 1 ELSE counter.hits + 1 END,
        resets_at = CASE WHEN counter.resets_at <= now() THEN excluded.resets_at ELSE counter.resets_at END
      RETURNING counter.hits AS hits, greatest(0, ceil(extract(epoch FROM counter.resets_at - now()) * 1000))::bigint AS ttl`.execute(db);
    const row = rows[0]!;
    return { current: row.hits, ttl: Number(row.ttl) };
  };
  const read = async (key: string) => {
    const row = await db
      .selectFrom('console_rate_limits')
      .select(['hits', sql<string>`greatest(0, ceil(extract(epoch FROM resets_at - now()) * 1000))::bigint`.as('ttl')])
      .where('key_hash', '=', hashOf(key))
      .where('resets_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row ? { current: row.hits, ttl: Number(row.ttl) } : { current: 0, ttl: 0 };
  };

  class PostgresRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      answer(callback, increment(key, timeWindow));
    }
    read(key: string, callback: Callback): void {
      answer(callback, read(key));
    }
    // Routes share one table; their limiters keep apart by the prefixes of their keys.
    child(): FastifyRateLimitStore {
      return this;
    }
  }

  return {
    Store: PostgresRateLimitStore,
    reset: async (key) => {
      await db.deleteFrom('console_rate_limits').where('key_hash', '=', hashOf(key)).execute();
    },
    prune: async () => Number((await db.deleteFrom('console_rate_limits').where('resets_at', '<=', sql<Date>`now()`).executeTakeFirst()).numDeletedRows),
  };
}
