const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '3D000',
  '28P01',
]);

/** Storage down (so the sender should retry), as opposed to a bug. */
export function isConnectionError(error: unknown): boolean {
  const candidate = error as { code?: string; message?: string } | null;
  if (!candidate) return false;
  if (candidate.code && connectionErrorCodes.has(candidate.code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(candidate.message ?? '');
}
