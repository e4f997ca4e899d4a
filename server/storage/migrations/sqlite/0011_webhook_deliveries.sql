-- Webhook deliveries (server/webhooks/). The planner follows the event log and records here, for each
-- app subscribed to a page, each event it is to receive — in one transaction with its stored position in
-- the log (consumer_positions 'webhooks'), so nothing is lost or recorded twice across restarts. The
-- dispatcher sends them in (event_pos, part) order per app, retries them with backoff, and keeps them as
-- the app's delivery log. (app_id, event_pos, part) is unique: planning the same event twice records it once.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  event_pos INTEGER NOT NULL,
  part INTEGER NOT NULL,
  page_id TEXT NOT NULL,
  field TEXT NOT NULL,
  standby INTEGER NOT NULL DEFAULT 0,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  delivered_at INTEGER,
  last_status INTEGER,
  last_error TEXT,
  latency_ms INTEGER,
  response_snippet TEXT,
  UNIQUE (app_id, event_pos, part)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(app_id, event_pos, part) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);

-- Since when an app's endpoint has failed without a success in between (null while it answers): past
-- WEBHOOK_DISABLE_AFTER_HOURS its webhook is disabled, with the reason in disabled_reason.
ALTER TABLE app_webhooks ADD COLUMN failing_since INTEGER;

-- Leases: a named piece of work (an app's deliveries) held by one process until a time, taken and renewed
-- with one conditional statement. Several processes sharing one PostgreSQL never work the same app at once.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until INTEGER NOT NULL
);
