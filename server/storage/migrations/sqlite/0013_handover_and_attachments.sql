-- The handover protocol (server/platform/handover.ts, docs/PLATFORM.md): which of a page's receivers — its
-- connected apps and its human inbox (app id 263902037430900, as on Messenger) — owns each conversation.
-- app_id has no foreign key: it names an app or the page inbox, which is no row of apps.

-- The primary receiver a page's admins chose; without a row (or once that app is disconnected) the app
-- connected to the page first is primary, else the inbox.
CREATE TABLE page_primary_receivers (
  page_id TEXT PRIMARY KEY REFERENCES pages(id),
  app_id TEXT NOT NULL,
  updated_by TEXT NOT NULL REFERENCES users(id),
  updated_at INTEGER NOT NULL
);

-- Who owns the thread of a page with a person, once ownership moved; without a row (or once the owner is
-- disconnected) the primary receiver owns it.
CREATE TABLE thread_owners (
  page_id TEXT NOT NULL REFERENCES pages(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  app_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (page_id, user_id)
);

-- The apps of a page, in order of connection (receivers, thread owners).
CREATE INDEX page_tokens_page ON page_tokens(page_id, created_at);

-- Reusable attachments saved by an app for a page (me/message_attachments): sent again by attachment_id
-- by any app of the same page, never another page's. Saved by URL (media storage comes later).
CREATE TABLE page_attachments (
  id TEXT PRIMARY KEY,
  page_id TEXT NOT NULL REFERENCES pages(id),
  app_id TEXT NOT NULL REFERENCES apps(id),
  type TEXT NOT NULL CHECK (type IN ('image', 'audio', 'video', 'file')),
  url TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
