-- Business pages. A page speaks through an account of its own (users.kind = 'page', same id as the page):
-- its username and name are the account's, it is the other member of each person's conversation with the
-- page, and the messages the page sends are that account's. Such an account never signs in and is not
-- found among people; page members (admins, agents) act as the page.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'page'));

CREATE TABLE pages (
  id TEXT PRIMARY KEY REFERENCES users(id),
  description TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);

-- The people who run a page: admins (everything, members included) and agents (the conversations).
CREATE TABLE page_members (
  page_id TEXT NOT NULL REFERENCES pages(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
  added_by TEXT NOT NULL REFERENCES users(id),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (page_id, user_id)
);
CREATE INDEX page_members_user ON page_members(user_id);

-- Page-scoped ids: each page sees a person under an id of its own (PSID), never the account id, never
-- another page's. Made the first time the page and the person meet.
CREATE TABLE page_scoped_ids (
  page_id TEXT NOT NULL REFERENCES pages(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  psid TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (page_id, user_id)
);
