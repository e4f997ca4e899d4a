-- Under history 'joined', a newcomer must not see the edits and deletions of messages sent before they
-- joined, live or replayed. events.message_seq: the seq of the message a message.* event is about;
-- member_periods.visible_from_seq: the seq after which the member of that period may read (their
-- members.visible_from_seq when the period opened). A replay skips the message events at or below it while
-- the conversation's history is 'joined'.
ALTER TABLE events ADD COLUMN message_seq BIGINT;
UPDATE events SET message_seq = (payload::jsonb #>> '{message,seq}')::bigint
 WHERE type IN ('message.created', 'message.edited', 'message.deleted');
ALTER TABLE member_periods ADD COLUMN visible_from_seq BIGINT NOT NULL DEFAULT 0;
UPDATE member_periods p SET visible_from_seq = m.visible_from_seq
  FROM members m
 WHERE p.to_pos IS NULL AND m.conversation_id = p.conversation_id AND m.user_id = p.user_id;
