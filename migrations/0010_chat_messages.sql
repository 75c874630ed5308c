-- Frozen once landed: change the schema with a new file, never by editing this one.

-- The one chat message of each incident per chat surface (ADR 0015). Kept here, not in memory, so that a
-- restarted bot (or another replica) keeps updating the same message instead of posting a second one.
-- `workspace` is the Slack team, Discord guild or Telegram chat the message lives in: a click from any other
-- one is refused. `digest` is the hash of the card last rendered into the message: an update whose card did
-- not change costs no API call. `replied` lists the timeline lines already posted in the message's thread.
CREATE TABLE chat_messages (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  platform text NOT NULL,
  workspace text NOT NULL,
  channel text NOT NULL,
  message_id text NOT NULL,
  thread_id text,
  digest text NOT NULL,
  replied text[] NOT NULL DEFAULT '{}',
  posted_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, platform, channel)
);
-- A click names the message it came from (channel and message id): the card it belongs to.
CREATE UNIQUE INDEX chat_messages_by_message ON chat_messages (platform, channel, message_id);

-- Verified inbound chat requests already handled (the request's signature), so that a replayed click inside
-- the platform's signing window changes nothing. Pruned after the window has passed.
CREATE TABLE chat_receipts (
  platform text NOT NULL,
  request_key text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, request_key)
);
CREATE INDEX chat_receipts_by_age ON chat_receipts (received_at);
