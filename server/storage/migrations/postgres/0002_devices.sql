-- Devices where a person signed in (a long-lived cookie, only its SHA-256 stored): sign-in failures of
-- strangers never slow such a device down.
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL
);
CREATE INDEX devices_user ON devices(user_id);
