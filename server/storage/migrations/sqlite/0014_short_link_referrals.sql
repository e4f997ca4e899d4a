-- Short links (`/m/<username>?ref=…`, Messenger's m.me links: server/platform/referrals.ts, docs/PLATFORM.md).
-- Kept with the person's id for the page — one row per person and page, as their thread is one:
-- pending_ref: the ref of a link that opened a thread still empty on a page with a Get Started button,
--   waiting for the thread's first message (the Get Started tap carries it to the apps; any other first
--   message sends it as a referral event before itself); NULL when none waits.
-- referred_at: when the person last came to the thread through a short link with a ref (a `referral` event,
--   ms); like a message of theirs, it opens the page's messaging window. NULL: never.
ALTER TABLE page_scoped_ids ADD COLUMN pending_ref TEXT;
ALTER TABLE page_scoped_ids ADD COLUMN referred_at INTEGER;
