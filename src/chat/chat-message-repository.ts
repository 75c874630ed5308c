import type { Kysely } from 'kysely';
import type { ChatMessageRef } from '../ports/chat-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** The stored card message of an incident on one platform and channel. */
export interface StoredChatMessage {
  incidentId: string;
  platform: string;
  ref: ChatMessageRef;
  digest: string;
  replied: string[];
}

function toStored(row: {
  incident_id: string;
  platform: string;
  workspace: string;
  channel: string;
  message_id: string;
  thread_id: string | null;
  digest: string;
  replied: string[];
}): StoredChatMessage {
  return {
    incidentId: row.incident_id,
    platform: row.platform,
    ref: { workspace: row.workspace, channel: row.channel, messageId: row.message_id, threadId: row.thread_id },
    digest: row.digest,
    replied: row.replied,
  };
}

/** The card message of `incidentId` in `channel`, if one was posted. */
export async function findChatMessage(
  db: Kysely<DatabaseSchema>,
  incidentId: string,
  platform: string,
  channel: string,
): Promise<StoredChatMessage | undefined> {
  const row = await db
    .selectFrom('chat_messages')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('platform', '=', platform)
    .where('channel', '=', channel)
    .executeTakeFirst();
  return row === undefined ? undefined : toStored(row);
}

/** The incident's card message on a platform, in whichever channel it was posted (the first, if several). */
export async function findChatMessageOfIncident(db: Kysely<DatabaseSchema>, incidentId: string, platform: string): Promise<StoredChatMessage | undefined> {
  const row = await db
    .selectFrom('chat_messages')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('platform', '=', platform)
    .orderBy('posted_at')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toStored(row);
}

/** The card message a click came from, by the platform's message id. */
export async function findChatMessageById(
  db: Kysely<DatabaseSchema>,
  platform: string,
  channel: string,
  messageId: string,
): Promise<StoredChatMessage | undefined> {
  const row = await db
    .selectFrom('chat_messages')
    .selectAll()
    .where('platform', '=', platform)
    .where('channel', '=', channel)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row === undefined ? undefined : toStored(row);
}

/** Records a freshly posted card message (replacing one that was deleted on the platform). */
export async function saveChatMessage(
  db: Kysely<DatabaseSchema>,
  incidentId: string,
  platform: string,
  ref: ChatMessageRef,
  digest: string,
  at: Date,
): Promise<void> {
  const values = {
    workspace: ref.workspace,
    message_id: ref.messageId,
    thread_id: ref.threadId,
    digest,
    replied: [] as string[],
    posted_at: at,
    updated_at: at,
  };
  await db
    .insertInto('chat_messages')
    .values({ incident_id: incidentId, platform, channel: ref.channel, ...values })
    .onConflict((conflict) => conflict.columns(['incident_id', 'platform', 'channel']).doUpdateSet(values))
    .execute();
}

/** The message now shows the card with this digest. */
export async function saveChatDigest(db: Kysely<DatabaseSchema>, stored: StoredChatMessage, digest: string, at: Date): Promise<void> {
  await db
    .updateTable('chat_messages')
    .set({ digest, updated_at: at })
    .where('incident_id', '=', stored.incidentId)
    .where('platform', '=', stored.platform)
    .where('channel', '=', stored.ref.channel)
    .execute();
}

/** A timeline line was posted in the thread. */
export async function saveChatReply(db: Kysely<DatabaseSchema>, stored: StoredChatMessage, key: string): Promise<void> {
  await db
    .updateTable('chat_messages')
    .set((eb) => ({ replied: eb.fn('array_append', [eb.ref('replied'), eb.val(key)]) }))
    .where('incident_id', '=', stored.incidentId)
    .where('platform', '=', stored.platform)
    .where('channel', '=', stored.ref.channel)
    .execute();
}
