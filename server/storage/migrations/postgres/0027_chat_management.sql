-- Chat management (issue 9). Each person's own settings of a conversation: muted until (ms; the far-future
-- MUTED_FOREVER for "Always"), pinned since, archived since — and the conversation's last seq when it was
-- archived (a message after it brings the conversation back unless it came while muted).
CREATE TABLE conversation_settings (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  muted_until BIGINT,
  pinned_at BIGINT,
  archived_at BIGINT,
  archived_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, conversation_id)
);
-- Messages a person deleted for themselves: their history pages, last message and unread count skip them.
CREATE TABLE hidden_messages (
  user_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  hidden_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, message_id)
);
CREATE INDEX hidden_messages_conversation ON hidden_messages(user_id, conversation_id, seq);
