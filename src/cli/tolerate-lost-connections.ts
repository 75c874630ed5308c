import type { DatabaseHealth } from '../storage/database-health.ts';
import { isConnectionError } from '../storage/is-connection-error.ts';

/**
 * pg-boss 10 completes and fails a finished job without awaiting the promise (Manager.watch), so when the
 * database goes away just as a job ends, the rejection is unhandled and Node ends the process
 * (timgit/pg-boss#577, fixed in v11). Such a job stays active until it expires and is retried; that is
 * harmless, so a rejection that only says "database away" is counted as an outage. Anything else still
 * ends the process, as Node would.
 */
export function tolerateLostConnections(health: DatabaseHealth): () => void {
  const listener = (reason: unknown) => {
    if (isConnectionError(reason)) return health.failed(reason, 'background');
    throw reason;
  };
  process.on('unhandledRejection', listener);
  return () => process.off('unhandledRejection', listener);
}
