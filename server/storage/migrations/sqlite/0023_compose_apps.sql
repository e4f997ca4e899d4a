-- Content apps (server/compose/, docs/PLATFORM.md "Content apps").

-- An app's compose extension, at most one per app, set by the app's owner. icon: the icon Comptoir fetched
-- from icon_url once, decoded and re-encoded (WebP, at most 128 px a side), as base64 — served from here, so
-- the app's owner cannot change what people see without setting the extension again. kinds: comma-separated
-- (gif, video, audio, image). query_url: where Comptoir POSTs people's queries, signed with the app secret.
CREATE TABLE compose_extensions (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  name TEXT NOT NULL,
  icon_url TEXT NOT NULL,
  icon TEXT NOT NULL,
  icon_mime TEXT NOT NULL,
  kinds TEXT NOT NULL,
  query_url TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The directory people choose from, by name.
CREATE INDEX compose_extensions_name ON compose_extensions(name, app_id);

-- The content apps a person enabled (in their composer's drawer). Removed with the app's extension.
CREATE TABLE compose_enabled (
  user_id TEXT NOT NULL REFERENCES users(id),
  app_id TEXT NOT NULL REFERENCES apps(id),
  enabled_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, app_id)
);
CREATE INDEX compose_enabled_app ON compose_enabled(app_id);
