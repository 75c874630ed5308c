import { sql, type Kysely } from 'kysely';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** Longer than every platform's signing window (Slack: 5 minutes either way). */
export const receiptLifetimeMilliseconds = 15 * 60_000;

/**
 * Records a verified inbound request by its key (its signature); false when it was recorded before, i.e. this
 * is a replay inside the platform's signing window and must change nothing.
 */
export async function firstReceipt(db: Kysely<DatabaseSchema>, platform: string, requestKey: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('chat_receipts')
    .values({ platform, request_key: requestKey, received_at: at })
    .onConflict((conflict) => conflict.columns(['platform', 'request_key']).doNothing())
    .returning('request_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Forgets receipts older than `olderThanMilliseconds` (past every platform's window, a replay fails its signature check). */
export async function pruneReceipts(db: Kysely<DatabaseSchema>, now: Date, olderThanMilliseconds: number): Promise<void> {
  await db
    .deleteFrom('chat_receipts')
    .where('received_at', '<', sql<Date>`${new Date(now.getTime() - olderThanMilliseconds)}`)
    .execute();
}

/** Deletes receipts past every platform's signing window every few minutes; returns the function that stops it. */
export function startReceiptPruning(db: Kysely<DatabaseSchema>, clock: Clock, log: Logger, everyMilliseconds = 5 * 60_000): () => void {
  const timer = setInterval(() => {
    pruneReceipts(db, clock.now(), receiptLifetimeMilliseconds).catch((error: unknown) => log.warn({ err: error }, 'chat receipts not pruned'));
  }, everyMilliseconds);
  timer.unref();
  return () => clearInterval(timer);
}
