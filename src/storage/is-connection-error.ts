// Each of these was seen while PostgreSQL restarted, failed over or had our sessions terminated
// (test/integration/database-restart.test.ts), or is its documented sibling.
const connectionErrorCodes = new Set([
  // The socket: refused while the server is down, reset or broken when it goes away mid-query.
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // SQLSTATE class 08, connection exception.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // admin_shutdown (fast shutdown, pg_terminate_backend), crash_shutdown, cannot_connect_now (starting up,
  // shutting down, in recovery), database_dropped, idle_session_timeout.
  '57P01',
  '57P02',
  '57P03',
  '57P04',
  '57P05',
  // too_many_connections: every slot taken while the clients of a failover reconnect.
  '53300',
  // idle_in_transaction_session_timeout ends the session too.
  '25P03',
  // read_only_sql_transaction: still connected to the old primary, now a standby, during a failover.
  '25006',
  // Database missing or credentials refused: nothing to store into until an operator fixes it.
  '3D000',
  '28000',
  '28P01',
]);

const connectionErrorMessages =
  /timeout exceeded when trying to connect|Connection terminated|encountered a connection error and is not queryable|Client was closed and is not queryable|connect ECONNREFUSED|server closed the connection unexpectedly/i;

/** Storage down or unreachable (so the sender should retry), as opposed to a bug. */
export function isConnectionError(error: unknown, depth = 0): boolean {
  const candidate = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | null;
  if (!candidate || typeof candidate !== 'object' || depth > 3) return false;
  if (typeof candidate.code === 'string' && connectionErrorCodes.has(candidate.code)) return true;
  if (typeof candidate.message === 'string' && connectionErrorMessages.test(candidate.message)) return true;
  // AggregateError (every address of a host refused) and wrapped errors.
  if (Array.isArray(candidate.errors) && candidate.errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return candidate.cause !== undefined && isConnectionError(candidate.cause, depth + 1);
}

/** A short, secret-free reason for a log line: the code, or the start of the message. */
export function connectionErrorReason(error: unknown): string {
  const candidate = error as { code?: unknown; message?: unknown } | null;
  if (typeof candidate?.code === 'string') return candidate.code;
  return typeof candidate?.message === 'string' ? candidate.message.slice(0, 80) : 'unknown';
}
