-- The event log as its own module (server/events/). An event is addressed to exactly one scope: a
-- conversation (its members during their periods), a user, or a wider one named `kind:id` in `scope`
-- ('page:…', 'app:…'), so that a new kind of scope needs no change to this table. SQLite cannot change a
-- CHECK in place: the table is rebuilt, rows and positions unchanged.
CREATE TABLE events_next (
  pos INTEGER PRIMARY KEY,
  conversation_id TEXT,
  user_id TEXT,
  scope TEXT,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  message_seq INTEGER,
  CHECK ((conversation_id IS NOT NULL) + (user_id IS NOT NULL) + (scope IS NOT NULL) = 1)
);
INSERT INTO events_next (pos, conversation_id, user_id, type, payload, created_at, message_seq)
  SELECT pos, conversation_id, user_id, type, payload, created_at, message_seq FROM events;
DROP TABLE events;
ALTER TABLE events_next RENAME TO events;
CREATE INDEX events_conversation ON events(conversation_id, pos) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_user ON events(user_id, pos) WHERE user_id IS NOT NULL;
CREATE INDEX events_scope ON events(scope, pos) WHERE scope IS NOT NULL;

-- Consumers of the log other than the sockets (the webhook dispatcher): how far each has handled it, so
-- that it resumes there after a restart.
CREATE TABLE consumer_positions (
  name TEXT PRIMARY KEY,
  pos INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
