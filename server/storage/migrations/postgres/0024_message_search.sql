-- Full-text search of messages (server/search/, docs/ARCHITECTURE.md "Search").
-- The text as searched: lower case, diacritics removed (NFD, combining marks dropped: "cafe" finds
-- "café"), punctuation as spaces (so "foo@bar.com" is the words foo, bar, com, as in SQLite's unicode61).
-- Built in: no extension needed (unaccent may not be installable).
CREATE FUNCTION comptoir_search_text(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  regexp_replace(regexp_replace(normalize(lower(coalesce(t, '')), NFD), '[\u0300-\u036f]', '', 'g'),
                 '[[:punct:][:space:]]+', ' ', 'g');

-- A generated column: computed in the INSERT that writes the message (no extra round trip), empty once
-- the message is deleted (its text is then null).
ALTER TABLE messages ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, comptoir_search_text(text))) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
