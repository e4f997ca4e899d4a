-- A page's saved attachments (me/message_attachments, or sent with is_reusable: docs/PLATFORM.md) are
-- stored media now: each row maps the attachment's 15-digit id (what apps know and send again) to its
-- reusable media record, with the URL it was fetched from (none for a file uploaded with the call). A row
-- saved before media storage has only its URL: its media is fetched at its next use and kept here.
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt, its rows unchanged.
CREATE TABLE page_attachments_next (
  id TEXT PRIMARY KEY,
  page_id TEXT NOT NULL REFERENCES pages(id),
  app_id TEXT NOT NULL REFERENCES apps(id),
  type TEXT NOT NULL CHECK (type IN ('image', 'audio', 'video', 'file')),
  url TEXT,
  media_id TEXT REFERENCES media(id),
  created_at INTEGER NOT NULL,
  CHECK (url IS NOT NULL OR media_id IS NOT NULL)
);
INSERT INTO page_attachments_next (id, page_id, app_id, type, url, media_id, created_at)
  SELECT id, page_id, app_id, type, url, NULL, created_at FROM page_attachments;
DROP TABLE page_attachments;
ALTER TABLE page_attachments_next RENAME TO page_attachments;
