-- A person's standing with a page (OptinsStore.standing: their latest active opt-in, read on every
-- order, shipment or tracking event whose cached standing has expired) in one seek, however many
-- checkouts they opted in at: with only optins_user (user_id, page_id), SQLite read every opt-in of the
-- pair, a row lookup each for revoked_at and created_at — 87 µs per read in bench:commerce, where a
-- customer has opted in at ~40 checkouts with a shop, and growing with each.
CREATE INDEX optins_active ON optins(user_id, page_id, created_at) WHERE revoked_at IS NULL;
