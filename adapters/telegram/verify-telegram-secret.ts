import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Telegram's webhook check: the `X-Telegram-Bot-Api-Secret-Token` header must equal the secret given to
 * setWebhook. Compared in constant time (as digests, so lengths leak nothing either), before the body is read.
 */
export function verifyTelegramSecret(header: string | undefined, secret: string): boolean {
  if (header === undefined || header.length === 0 || header.length > 256) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header), digest(secret));
}
