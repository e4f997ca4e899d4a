-- Account control (issue 9): profile photos and account deletion.
-- users.avatar_media_id: the person's profile photo, an upload of theirs (media, kind image) claimed as an
--   avatar; NULL: none (initials are shown).
-- users.deleted_at: when the person deleted their account; the row stays (their messages still name it as
--   their sender) but holds nothing of them: display name and its folding empty, username replaced by a
--   tombstone no sign-up can choose (so the name is free again), no password hash, no photo.
ALTER TABLE users ADD COLUMN avatar_media_id TEXT REFERENCES media(id);
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
-- media.avatar: an upload claimed as someone's profile photo: never sent in a message, never swept as
--   unsent, readable by any signed-in account (server/media/access.ts).
ALTER TABLE media ADD COLUMN avatar INTEGER NOT NULL DEFAULT 0;
