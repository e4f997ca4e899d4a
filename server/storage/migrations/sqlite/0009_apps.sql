-- Developer apps (server/apps/). An app belongs to one person. Its secret is stored sealed (AES-256-GCM
-- under the server's key, server/lib/secrets.ts) — never in clear, and not hashed either: the server needs
-- it back to sign webhook deliveries and to check `appsecret_proof`.
CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  secret_rotated_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX apps_owner ON apps(owner_id, id);

-- The access tokens an app holds for the pages it is connected to: only their SHA-256 (hex) is stored.
-- page_id has no foreign key yet (pages land separately). At most one active token per (app, page): a new
-- one revokes the previous.
CREATE TABLE page_tokens (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  page_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX page_tokens_active ON page_tokens(app_id, page_id) WHERE revoked_at IS NULL;

-- Where an app's webhook deliveries go, set once the callback answered the subscribe handshake. `fields`:
-- the subscribed fields, comma-separated.
CREATE TABLE app_webhooks (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  url TEXT NOT NULL,
  verify_token TEXT NOT NULL,
  fields TEXT NOT NULL,
  verified_at INTEGER,
  disabled_at INTEGER,
  disabled_reason TEXT,
  updated_at INTEGER NOT NULL
);
