-- Presence (server/presence/, docs/PROTOCOL.md "Presence"). last_seen_at: when the person's last socket
-- closed (after the grace), or the heartbeat's latest mark while online (at most once a minute); null
-- until first seen. show_presence: others see whether they are online and when last seen; off, they see
-- nobody's either.
ALTER TABLE users ADD COLUMN last_seen_at BIGINT;
ALTER TABLE users ADD COLUMN show_presence BOOLEAN NOT NULL DEFAULT TRUE;
