-- The full-text index of 0024 written once per transaction instead of once per message (SQLite only:
-- PostgreSQL's index is a generated column). FTS5's insert from a trigger cost about 10 µs of CPU per
-- message on the send path; one `INSERT … SELECT` of a whole group-commit batch costs about 3
-- (docs/BENCHMARKS.md, "Session 8"). `message_search_state.indexed_to` is the rowid up to which every
-- readable message is in the index; the writer indexes the rows after it and moves it just before COMMIT
-- (server/storage/sqlite/messaging.ts, indexNewMessages), so a committed message is always searchable.
-- Edits and deletions of indexed rows still rewrite their entry in the same statement; a row not yet
-- indexed needs nothing, its current text is what will be indexed.
DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;

CREATE TABLE message_search_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_to INTEGER NOT NULL
);
INSERT INTO message_search_state (id, indexed_to) SELECT 1, coalesce(max(rowid), 0) FROM messages;

CREATE TRIGGER messages_search_update AFTER UPDATE OF text, deleted_at ON messages
  WHEN old.rowid <= (SELECT indexed_to FROM message_search_state)
BEGIN
  DELETE FROM message_search WHERE rowid = old.rowid;
  INSERT INTO message_search (rowid, body, conv)
    SELECT new.rowid, new.text, new.conversation_id
     WHERE new.text IS NOT NULL AND new.text <> '' AND new.deleted_at IS NULL;
END;

-- A deleted row leaves the index; and when the newest rows are gone, SQLite may give their rowids to the
-- next messages, so the mark comes back to the newest row that remains (every row up to it is indexed).
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
  WHEN old.rowid <= (SELECT indexed_to FROM message_search_state)
BEGIN
  DELETE FROM message_search WHERE rowid = old.rowid;
  UPDATE message_search_state SET indexed_to = (SELECT coalesce(max(rowid), 0) FROM messages)
   WHERE indexed_to > (SELECT coalesce(max(rowid), 0) FROM messages);
END;
