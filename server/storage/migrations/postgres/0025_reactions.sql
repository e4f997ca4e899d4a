-- Emoji reactions on messages (server/messaging/reactions.ts, docs/PROTOCOL.md "Reactions").

-- One row per person, message and emoji: a person may put several different emojis on one message (at most
-- protocol/limits.ts reactions.perPerson). pos: the position of the reaction.updated event that put it, which
-- orders a message's reactions (the emoji reacted with first comes first, then who reacted, in order).
-- A message deleted for everyone loses its reactions in the deletion's transaction.
CREATE TABLE message_reactions (
  message_id TEXT NOT NULL REFERENCES messages(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  emoji TEXT NOT NULL,
  pos BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);
CREATE INDEX message_reactions_message_pos ON message_reactions(message_id, pos);
