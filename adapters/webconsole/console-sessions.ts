import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ConsoleTables } from './console-tables.ts';

export interface ConsoleSession {
  personId: string;
  expiresAt: Date;
}

const idPattern = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * The key of the CSRF tokens, shared by every replica: the first process to need it stores a random one,
 * the others read it (a per-process key would make a token from one replica worthless on the next).
 */
async function sharedSecret(db: Kysely<ConsoleTables>, name: string): Promise<Buffer> {
  await db
    .insertInto('console_secrets')
    .values({ name, secret: randomBytes(32) })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('console_secrets').select('secret').where('name', '=', name).executeTakeFirstOrThrow();
  return row.secret;
}

/**
 * Web console sessions, in PostgreSQL so that they survive a restart and work on every replica. The cookie
 * holds an unguessable 256-bit id (nothing else); the table keeps only its SHA-256. A browser that has not
 * signed in still gets an id (anonymous, not stored), so that sign-in itself is CSRF-protected; signing in
 * always issues a fresh id (no session fixation), signing out deletes the row. The CSRF token is an HMAC of
 * the id under the shared secret, checked in constant time. Expiry is the database's clock, which every
 * replica shares.
 */
export class ConsoleSessions {
  readonly ttlMs: number;
  #db: Kysely<ConsoleTables>;
  #secret: Buffer;

  private constructor(db: Kysely<ConsoleTables>, secret: Buffer, ttlMs: number) {
    this.#db = db;
    this.#secret = secret;
    this.ttlMs = ttlMs;
  }

  /** Reads (or creates) the shared CSRF secret. `ttlMs`: absolute lifetime, default 12 hours (one on-call shift). */
  static async open(db: Kysely<ConsoleTables>, options: { ttlMs?: number } = {}): Promise<ConsoleSessions> {
    return new ConsoleSessions(db, await sharedSecret(db, 'csrf'), options.ttlMs ?? 12 * 60 * 60 * 1000);
  }

  /** A new unguessable id (anonymous until signed in). */
  newId(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Whether a cookie value is shaped like one of our ids (anything else is ignored). */
  isWellFormed(id: string | undefined | null): id is string {
    return typeof id === 'string' && idPattern.test(id);
  }

  /** Stores a signed-in session for the person; returns its id, for the cookie only. */
  async signIn(personId: string): Promise<string> {
    const id = this.newId();
    await this.#db
      .insertInto('console_sessions')
      .values({ id_hash: hashOf(id), person_id: personId, expires_at: sql<Date>`now() + ${this.ttlMs / 1000}::double precision * interval '1 second'` })
      .execute();
    return id;
  }

  /** The signed-in session behind an id, or null (unknown, anonymous or expired). */
  async find(id: string | undefined | null): Promise<ConsoleSession | null> {
    if (!this.isWellFormed(id)) return null;
    const row = await this.#db
      .selectFrom('console_sessions')
      .select(['person_id', 'expires_at'])
      .where('id_hash', '=', hashOf(id))
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row ? { personId: row.person_id, expiresAt: row.expires_at } : null;
  }

  async end(id: string | undefined | null): Promise<void> {
    if (this.isWellFormed(id)) await this.#db.deleteFrom('console_sessions').where('id_hash', '=', hashOf(id)).execute();
  }

  /** Forgets expired sessions; returns how many. */
  async prune(): Promise<number> {
    const result = await this.#db.deleteFrom('console_sessions').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  csrfToken(id: string): string {
    return createHmac('sha256', this.#secret).update(`csrf:${id}`).digest('base64url');
  }

  checkCsrf(id: string | undefined | null, token: unknown): boolean {
    if (!this.isWellFormed(id) || typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(id));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
