-- A page's messenger profile (protocol/profile.ts): its Get Started button, greeting, persistent menu and
-- whitelisted domains, set by its apps through the Graph API (me/messenger_profile), as one JSON object
-- (camelCase, each field optional). No row: nothing set.
CREATE TABLE page_profiles (
  page_id TEXT PRIMARY KEY REFERENCES pages(id),
  profile TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
