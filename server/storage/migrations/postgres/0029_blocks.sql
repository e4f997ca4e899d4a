-- Blocking a person (server/blocks/, docs/PROTOCOL.md "Blocking"): one row while blocker_id blocks
-- blocked_id. The blocked person can no longer start a one-to-one conversation with the blocker nor write
-- in theirs; the blocker cannot write to them either until they unblock (the row is deleted).
-- Pages are blocked through the person's consent to the page (page_consents, 0015), not here.
CREATE TABLE blocks (
  blocker_id TEXT NOT NULL REFERENCES users(id),
  blocked_id TEXT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);
-- Who blocks a person (typing signals are not sent between them).
CREATE INDEX blocks_blocked ON blocks(blocked_id);

-- A one-to-one conversation between people is now announced to the person who did not open it with its
-- first message (server/messaging/conversations.ts, announceFirstMessageIn). Those opened earlier and still
-- without messages were announced to both: their view of its events starts again at the first message.
DELETE FROM member_periods
 WHERE EXISTS (SELECT 1 FROM conversations c JOIN users u ON u.id = member_periods.user_id
                WHERE c.id = member_periods.conversation_id AND c.kind = 'direct' AND c.last_seq = 0
                  AND c.created_by <> member_periods.user_id AND u.kind = 'person');
