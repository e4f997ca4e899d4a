-- Uploaded media (server/media/, docs/MEDIA.md): one row per upload; the bytes live in the blob store
-- (MEDIA_STORE: a directory or an S3 bucket) under blob_key (and thumbnail_key for an image's thumbnail).
-- owner_id: the account that uploaded it (a person, or a page — its apps upload as the page); app_id: the
--   app that uploaded it for its page, if any.
-- conversation_id: the conversation it was first sent in; NULL until then (only its owner may read or send
--   it). Uploads still NULL after mediaLimits.unsentHours are swept (blobs, then rows).
-- reusable: a page's saved attachment, never bound itself: each send binds a copy (a new row, the same
--   blob keys), and the sweeper leaves it alone.
-- kind, mime: from the bytes; name: as shown (cleaned); size: bytes of the stored file; width, height:
--   pixels (images, video when known); duration_ms: audio and video when known, always on a voice clip;
--   waveform: a voice clip's bars (0–255) as a JSON array; sha256: of the stored file, hex (the ETag).
CREATE TABLE media (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id),
  app_id TEXT,
  conversation_id TEXT REFERENCES conversations(id),
  reusable INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'file')),
  mime TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  duration_ms INTEGER,
  voice INTEGER NOT NULL DEFAULT 0,
  waveform TEXT,
  blob_key TEXT NOT NULL,
  thumbnail_key TEXT,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- The sweeper's: unsent uploads that are not saved for reuse, oldest first.
CREATE INDEX media_unsent ON media(created_at) WHERE conversation_id IS NULL AND reusable = 0;
-- Rows sharing stored bytes (a saved attachment and its sent copies): a blob is deleted only with its last row.
CREATE INDEX media_blob ON media(blob_key);
