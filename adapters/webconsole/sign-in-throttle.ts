/**
 * Slows password guessing: after `limit` failed sign-ins for one (client address, person id) within the
 * window, further attempts for that pair are refused until the window has passed. Keyed by the pair so
 * that a stranger cannot lock a real person out from elsewhere.
 */
export class SignInThrottle {
  #failures = new Map<string, { count: number; firstAt: number }>();
  #limit: number;
  #windowMs: number;
  #now: () => number;

  constructor(options: { limit?: number; windowMs?: number; now?: () => number } = {}) {
    this.#limit = options.limit ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  blocked(key: string): boolean {
    const entry = this.#failures.get(key);
    if (!entry) return false;
    if (this.#now() - entry.firstAt >= this.#windowMs) {
      this.#failures.delete(key);
      return false;
    }
    return entry.count >= this.#limit;
  }

  fail(key: string): void {
    if (this.#failures.size >= 10_000) this.#prune();
    const entry = this.#failures.get(key);
    if (entry && this.#now() - entry.firstAt < this.#windowMs) entry.count++;
    else this.#failures.set(key, { count: 1, firstAt: this.#now() });
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }

  #prune(): void {
    const now = this.#now();
    for (const [key, entry] of this.#failures) if (now - entry.firstAt >= this.#windowMs) this.#failures.delete(key);
    for (const key of this.#failures.keys()) {
      if (this.#failures.size < 10_000) break;
      this.#failures.delete(key);
    }
  }
}
