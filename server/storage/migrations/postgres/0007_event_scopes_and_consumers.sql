-- The event log as its own module (server/events/). An event is addressed to exactly one scope: a
-- conversation (its members during their periods), a user, or a wider one named `kind:id` in `scope`
-- ('page:…', 'app:…'), so that a new kind of scope needs no change to this table.
ALTER TABLE events ADD COLUMN scope TEXT;
ALTER TABLE events DROP CONSTRAINT events_check;
ALTER TABLE events ADD CONSTRAINT events_one_scope CHECK (num_nonnulls(conversation_id, user_id, scope) = 1);
CREATE INDEX events_scope ON events(scope, pos) WHERE scope IS NOT NULL;

-- Consumers of the log other than the sockets (the webhook dispatcher): how far each has handled it, so
-- that it resumes there after a restart.
CREATE TABLE consumer_positions (
  name TEXT PRIMARY KEY,
  pos BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
