-- Under history 'joined', a newcomer must not see the edits and deletions of messages sent before they
-- joined, live or replayed. events.message_seq: the seq of the message a message.* event is about;
-- member_periods.visible_from_seq: the seq after which the member of that period may read (their
-- members.visible_from_seq when the period opened). A replay skips the message events at or below it while
-- the conversation's history is 'joined'.
ALTER TABLE events ADD COLUMN message_seq INTEGER;
UPDATE events SET message_seq = json_extract(payload, '$.message.seq')
 WHERE type IN ('message.created', 'message.edited', 'message.deleted');
ALTER TABLE member_periods ADD COLUMN visible_from_seq INTEGER NOT NULL DEFAULT 0;
UPDATE member_periods
   SET visible_from_seq = coalesce((SELECT m.visible_from_seq FROM members m
                                     WHERE m.conversation_id = member_periods.conversation_id
                                       AND m.user_id = member_periods.user_id), 0)
 WHERE to_pos IS NULL;
