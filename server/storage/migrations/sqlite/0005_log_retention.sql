-- Event log retention: events older than EVENT_RETENTION_DAYS are deleted; `floor` is the highest position
-- deleted so far. A client whose cursor is below it cannot be caught up (`reset {cursor_expired}`).
CREATE TABLE log_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  floor INTEGER NOT NULL
);
INSERT INTO log_state (id, floor) VALUES (1, 0);
