-- What happened to a group besides its messages (issue 9, defect 11): created, renamed, its history
-- setting changed, people added, removed, left, made admin. Each row sits in the thread after the message
-- `after_seq` (0: before the first), so that history pages carry the lines their messages frame; it is
-- kept as long as the conversation (the event log, trimmed by EVENT_RETENTION_DAYS, is not the record).
CREATE TABLE conversation_activity (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  after_seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('created', 'renamed', 'history', 'added', 'removed', 'left', 'admin')),
  actor_id TEXT NOT NULL,
  target_id TEXT,
  title TEXT,
  history TEXT CHECK (history IS NULL OR history IN ('joined', 'full'))
);
CREATE INDEX conversation_activity_seq ON conversation_activity(conversation_id, after_seq, at);
