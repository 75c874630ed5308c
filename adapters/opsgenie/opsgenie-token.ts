import { createHash, timingSafeEqual } from 'node:crypto';

/** The header Opsgenie's outgoing webhook integration is configured to send ("Add custom headers"). */
export const opsgenieTokenHeader = 'x-awoooi-token';

/** Whether the shared secret matches; both sides hashed first, so the comparison is constant time whatever the length. */
export function verifyOpsgenieToken(secret: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}
