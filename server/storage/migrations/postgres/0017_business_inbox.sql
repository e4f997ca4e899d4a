-- The business inbox (server/inbox/, docs/INBOX.md): how a page's people work each of its conversations —
-- its status, who it is assigned to, its labels, its timers, internal notes, canned replies, the page's
-- targets and satisfaction answers. Nothing here is ever shown to the customer. Times in milliseconds.

-- One row per conversation of a page with a person (a thread), made when the person first writes or when
-- the page's people first act on it. opened_at starts the current cycle (reset when a resolved thread is
-- reopened); first_response_at is the first answer of a page member in that cycle.
CREATE TABLE inbox_threads (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations(id),
  page_id TEXT NOT NULL REFERENCES pages(id),
  person_id TEXT NOT NULL REFERENCES users(id),
  status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'snoozed')),
  snoozed_until BIGINT,
  assignee_id TEXT REFERENCES users(id),
  opened_at BIGINT NOT NULL,
  first_response_at BIGINT,
  resolved_at BIGINT,
  last_customer_at BIGINT NOT NULL,
  -- the satisfaction question of the current cycle, if one was sent (inbox_csat.id)
  csat_id TEXT,
  updated_at BIGINT NOT NULL
);
-- The page's list, newest customer message first (cursor paging), and per status.
CREATE INDEX inbox_threads_page ON inbox_threads(page_id, last_customer_at, conversation_id);
CREATE INDEX inbox_threads_status ON inbox_threads(page_id, status, last_customer_at);
CREATE INDEX inbox_threads_assignee ON inbox_threads(page_id, assignee_id);
CREATE INDEX inbox_threads_snoozed ON inbox_threads(snoozed_until) WHERE status = 'snoozed';

-- A page's set of labels, and the labels on each thread.
CREATE TABLE inbox_labels (
  id TEXT PRIMARY KEY,
  page_id TEXT NOT NULL REFERENCES pages(id),
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (page_id, name_folded)
);
CREATE TABLE inbox_thread_labels (
  conversation_id TEXT NOT NULL REFERENCES inbox_threads(conversation_id),
  label_id TEXT NOT NULL REFERENCES inbox_labels(id),
  PRIMARY KEY (conversation_id, label_id)
);
CREATE INDEX inbox_thread_labels_label ON inbox_thread_labels(label_id);

-- Internal notes: written by the page's people, never a message, never in any person's feed or webhook.
CREATE TABLE inbox_notes (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES inbox_threads(conversation_id),
  page_id TEXT NOT NULL REFERENCES pages(id),
  author_id TEXT NOT NULL REFERENCES users(id),
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX inbox_notes_conversation ON inbox_notes(conversation_id, created_at);

-- Canned replies, per page; shortcut unique per page (case aside).
CREATE TABLE inbox_canned_replies (
  id TEXT PRIMARY KEY,
  page_id TEXT NOT NULL REFERENCES pages(id),
  shortcut TEXT NOT NULL,
  shortcut_folded TEXT NOT NULL,
  text TEXT NOT NULL,
  updated_by TEXT NOT NULL REFERENCES users(id),
  updated_at BIGINT NOT NULL,
  UNIQUE (page_id, shortcut_folded)
);

-- The page's targets (seconds; NULL: none) and whether resolving asks for satisfaction.
CREATE TABLE inbox_settings (
  page_id TEXT PRIMARY KEY REFERENCES pages(id),
  first_response_target_s INTEGER,
  resolution_target_s INTEGER,
  csat_enabled INTEGER NOT NULL DEFAULT 0,
  updated_by TEXT NOT NULL REFERENCES users(id),
  updated_at BIGINT NOT NULL
);

-- Satisfaction questions sent on resolve, and the person's answer (1–5), against the agent it rates.
CREATE TABLE inbox_csat (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES inbox_threads(conversation_id),
  page_id TEXT NOT NULL REFERENCES pages(id),
  agent_id TEXT REFERENCES users(id),
  asked_at BIGINT NOT NULL,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  answered_at BIGINT
);
CREATE INDEX inbox_csat_page ON inbox_csat(page_id, answered_at);

-- The page's conversations that exist already: one thread each, open, as of their last activity.
INSERT INTO inbox_threads (conversation_id, page_id, person_id, status, opened_at, last_customer_at, updated_at)
SELECT c.id, pm.user_id, om.user_id, 'open', c.created_at, c.last_activity_at, c.last_activity_at
  FROM conversations c
  JOIN members pm ON pm.conversation_id = c.id
  JOIN pages p ON p.id = pm.user_id
  JOIN members om ON om.conversation_id = c.id AND om.user_id <> pm.user_id
 WHERE c.kind = 'direct' AND c.last_seq > 0;
