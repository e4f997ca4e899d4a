-- Opt-in at checkout (Messenger's checkbox plugin, and its link flow: server/platform/optins.ts,
-- docs/PLATFORM.md "Opt-in at checkout"), and the person's control over the pages that may write to them.

-- A person's consent to a page's updates for one checkout, under the merchant's user_ref (unique per page:
-- one checkout, one person). how: the checkbox in the merchant's page, or the link flow on Comptoir.
-- revoked_at: when the person stopped the page's updates (or blocked it), or unticked the box (NULL: active).
-- first_sent_at: when the page first sent to this user_ref (Messenger allows one message to a user_ref
--   until the person answers; NULL: never).
CREATE TABLE optins (
  page_id TEXT NOT NULL REFERENCES pages(id),
  user_ref TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  ref TEXT,
  how TEXT NOT NULL CHECK (how IN ('checkbox', 'link')),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  first_sent_at INTEGER,
  PRIMARY KEY (page_id, user_ref)
);
-- A person's opt-ins (their settings), and those with one page (the window, stopping updates).
CREATE INDEX optins_user ON optins(user_id, page_id);

-- What a person decided about a page, one row per person and page once they did:
-- updates_stopped_at: they stopped the page's updates (its opt-ins were revoked then); until they opt in
--   again the page may only answer what they write afterwards. NULL: not stopped.
-- blocked_at: they blocked the page, which can then send them nothing at all. NULL: not blocked.
CREATE TABLE page_consents (
  page_id TEXT NOT NULL REFERENCES pages(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  updates_stopped_at INTEGER,
  blocked_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (page_id, user_id)
);
CREATE INDEX page_consents_user ON page_consents(user_id);
