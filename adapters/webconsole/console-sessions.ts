import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConsoleSession {
  id: string;
  personId: string;
  expiresAt: number;
}

export interface ConsoleSessionsOptions {
  /** Absolute lifetime of a signed-in session; default 12 hours (one on-call shift). */
  ttlMs?: number;
  /** Most signed-in sessions kept; the oldest go first. */
  maxSessions?: number;
  now?: () => number;
}

const idPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Web console sessions, kept in this process. The cookie holds an unguessable 256-bit id (nothing else).
 * A browser that has not signed in still gets an id (anonymous, not stored), so that sign-in itself is
 * CSRF-protected; signing in always issues a fresh id (no session fixation), signing out forgets it.
 * The CSRF token is an HMAC of the id under a per-process secret, checked in constant time.
 */
export class ConsoleSessions {
  #secret = randomBytes(32);
  #sessions = new Map<string, ConsoleSession>();
  #ttlMs: number;
  #maxSessions: number;
  #now: () => number;

  constructor(options: ConsoleSessionsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 12 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** A new unguessable id (anonymous until signed in). */
  newId(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Whether a cookie value is shaped like one of our ids (anything else is ignored). */
  isWellFormed(id: string | undefined): id is string {
    return id !== undefined && idPattern.test(id);
  }

  signIn(personId: string): ConsoleSession {
    this.#prune();
    const session = { id: this.newId(), personId, expiresAt: this.#now() + this.#ttlMs };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The signed-in session behind an id, or null (unknown, anonymous or expired). */
  find(id: string | undefined): ConsoleSession | null {
    if (!this.isWellFormed(id)) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session;
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }

  csrfToken(id: string): string {
    return createHmac('sha256', this.#secret).update(`csrf:${id}`).digest('base64url');
  }

  checkCsrf(id: string | undefined, token: unknown): boolean {
    if (!this.isWellFormed(id) || typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(id));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #prune(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
    for (const id of this.#sessions.keys()) {
      if (this.#sessions.size < this.#maxSessions) break;
      this.#sessions.delete(id);
    }
  }
}
