-- Comptoir schema, PostgreSQL. Times are milliseconds since the epoch.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  display_name_folded TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  user_agent TEXT,
  ip TEXT,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
  title TEXT,
  direct_key TEXT UNIQUE,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_activity_at BIGINT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE members (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  delivered_seq BIGINT NOT NULL DEFAULT 0,
  read_seq BIGINT NOT NULL DEFAULT 0,
  joined_at BIGINT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX members_user ON members(user_id, active);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  seq BIGINT NOT NULL,
  sender_id TEXT NOT NULL REFERENCES users(id),
  client_id TEXT,
  text TEXT,
  reply_to_id TEXT,
  created_at BIGINT NOT NULL,
  edited_at BIGINT,
  deleted_at BIGINT
);
CREATE UNIQUE INDEX messages_conversation_seq ON messages(conversation_id, seq);
CREATE UNIQUE INDEX messages_client_id ON messages(sender_id, client_id) WHERE client_id IS NOT NULL;

CREATE TABLE events (
  pos BIGSERIAL PRIMARY KEY,
  conversation_id TEXT,
  user_id TEXT,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  CHECK ((conversation_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX events_conversation ON events(conversation_id, pos) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_user ON events(user_id, pos) WHERE user_id IS NOT NULL;

CREATE TABLE member_periods (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  from_pos BIGINT NOT NULL,
  to_pos BIGINT,
  PRIMARY KEY (user_id, conversation_id, from_pos)
);
