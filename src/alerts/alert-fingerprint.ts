import { createHash } from 'node:crypto';

/**
 * Fingerprint from the sorted label set, for senders that do not give one. 16 hex characters like
 * Alertmanager's, but not the same hash: it only has to be stable for AWOOOI.
 */
export function alertFingerprint(labels: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(labels).sort()) hash.update(key).update('\0').update(labels[key]!).update('\0');
  return hash.digest('hex').slice(0, 16);
}
