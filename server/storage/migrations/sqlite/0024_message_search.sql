-- Full-text search of messages (server/search/, docs/ARCHITECTURE.md "Search").
-- A contentless FTS5 index keyed by the message's rowid: `body` is the text (unicode61, diacritics removed,
-- so "cafe" finds "café"), `conv` the conversation id as one token, so that a search ANDs the words with
-- the person's conversations inside the index (FTS match restricted to those doclists) instead of
-- filtering every match afterwards. Only what can be read: not deleted, with text. Kept in step by
-- triggers in the statement that writes the message (one FTS insert per message on the send path).
-- Messages has no INTEGER PRIMARY KEY: VACUUM could renumber its rowids, and the index would then need
-- rebuilding (`INSERT INTO message_search(message_search) VALUES ('delete-all')` and the INSERT below).
CREATE VIRTUAL TABLE message_search USING fts5(
  body, conv,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO message_search (rowid, body, conv)
  SELECT rowid, text, conversation_id FROM messages
   WHERE text IS NOT NULL AND text <> '' AND deleted_at IS NULL;

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
  WHEN new.text IS NOT NULL AND new.text <> '' AND new.deleted_at IS NULL
BEGIN
  INSERT INTO message_search (rowid, body, conv) VALUES (new.rowid, new.text, new.conversation_id);
END;

-- An edit rewrites the entry, a deletion for everyone removes it.
CREATE TRIGGER messages_search_update AFTER UPDATE OF text, deleted_at ON messages
BEGIN
  DELETE FROM message_search WHERE rowid = old.rowid;
  INSERT INTO message_search (rowid, body, conv)
    SELECT new.rowid, new.text, new.conversation_id
     WHERE new.text IS NOT NULL AND new.text <> '' AND new.deleted_at IS NULL;
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM message_search WHERE rowid = old.rowid;
END;
