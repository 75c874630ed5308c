import type { Logger } from '../ports/logger.ts';
import { connectionErrorReason, isConnectionError } from './is-connection-error.ts';

/**
 * How long the database must answer without a connection failure before it counts as back. While a server
 * shuts down or kills our sessions one by one, queries on the connections it has not reached yet still
 * succeed, and transactions on dead ones fail a moment later: without this, one outage logs a dozen
 * lost/back pairs.
 */
export const settleMilliseconds = 1000;

/**
 * Whether the database answers, as the bot's own connections and queries see it. Each change is logged
 * once ("database lost", "database back"), however many queries fail meanwhile.
 */
export class DatabaseHealth {
  readonly #log: Logger;
  #lostAt: number | null = null;
  #lastFailureAt = 0;
  #failures = 0;

  constructor(log: Logger) {
    this.#log = log;
  }

  get available(): boolean {
    return this.#lostAt === null;
  }

  /** Something failed; only errors that mean "database away" count (a bad query is not an outage). */
  failed(error: unknown, where: string): void {
    if (!isConnectionError(error)) return;
    this.#lastFailureAt = Date.now();
    this.#failures += 1;
    if (this.#lostAt !== null) return;
    this.#lostAt = this.#lastFailureAt;
    this.#failures = 1;
    this.#log.warn({ reason: connectionErrorReason(error), where }, 'database lost: webhooks answer 503 with Retry-After until it is back');
  }

  /** A query succeeded. */
  succeeded(): void {
    if (this.#lostAt === null) return;
    const now = Date.now();
    if (now - this.#lastFailureAt < settleMilliseconds) return;
    const downSeconds = Math.round((now - this.#lostAt) / 100) / 10;
    this.#lostAt = null;
    this.#log.info({ downSeconds, failures: this.#failures }, 'database back');
  }
}
