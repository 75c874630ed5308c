import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Constant-time password check. Both sides are hashed first so that neither the length nor the content of
 * the configured password leaks through timing; a person without a password never matches, in the same time.
 */
export function verifyPassword(configured: string | undefined, given: string): boolean {
  const same = timingSafeEqual(digest(configured ?? given), digest(given));
  return configured !== undefined && same;
}
