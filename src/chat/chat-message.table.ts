import type { ColumnType } from 'kysely';

type DefaultedTimestamp = ColumnType<Date, Date | undefined, Date>;

/** The one chat message of an incident on one chat surface (migrations/0010). */
export interface ChatMessageTable {
  incident_id: string;
  platform: string;
  /** Slack team, Discord guild or Telegram chat the message lives in. */
  workspace: string;
  channel: string;
  /** Slack ts, Discord message id, Telegram message id. */
  message_id: string;
  /** Where timeline replies go (the Slack thread ts); null when the platform replies to the message itself. */
  thread_id: string | null;
  /** Hash of the card last rendered into the message. */
  digest: string;
  /** Keys of the timeline lines already posted as replies. */
  replied: ColumnType<string[], string[] | undefined, string[]>;
  posted_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/** A verified inbound chat request already handled, by its signature (migrations/0010). */
export interface ChatReceiptTable {
  platform: string;
  request_key: string;
  received_at: DefaultedTimestamp;
}
