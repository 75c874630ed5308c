import type { Clock } from '../ports/clock.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  /** Failures in a row that open the breaker. */
  failures: number;
  /** How long an open breaker skips the provider before one trial call. */
  cooldownMilliseconds: number;
}

/**
 * Skips a provider that keeps failing, so that a dead Ollama costs each incident nothing instead of a timeout.
 * Closed: calls go through. After `failures` failures in a row: open, calls are skipped. After the cooldown:
 * half open, one call goes through; its success closes the breaker, its failure opens it again.
 */
export class CircuitBreaker {
  readonly #settings: BreakerSettings;
  readonly #clock: Clock;
  #failures = 0;
  #openedAt: number | null = null;
  #trialRunning = false;

  constructor(settings: BreakerSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
  }

  get state(): BreakerState {
    if (this.#openedAt === null) return 'closed';
    return this.#clock.now().getTime() - this.#openedAt >= this.#settings.cooldownMilliseconds ? 'half_open' : 'open';
  }

  /** Whether a call may go out now; in the half-open state only one at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialRunning) return false;
    this.#trialRunning = true;
    return true;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trialRunning = false;
  }

  failed(): void {
    this.#trialRunning = false;
    this.#failures += 1;
    if (this.#openedAt !== null || this.#failures >= this.#settings.failures) this.#openedAt = this.#clock.now().getTime();
  }
}
