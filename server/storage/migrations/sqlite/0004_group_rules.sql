-- Group rules. `history`: what a member sees of the messages sent before they joined — 'joined' (from
-- their joining on: the default of groups) or 'full'. `visible_from_seq`: the conversation's last seq when
-- the member (last) joined. `removed`: 1 when an admin removed them (only admins may add them back), 0
-- when they left on their own or are a member.
ALTER TABLE conversations ADD COLUMN history TEXT NOT NULL DEFAULT 'joined' CHECK (history IN ('joined', 'full'));
UPDATE conversations SET history = 'full' WHERE kind = 'direct';
ALTER TABLE members ADD COLUMN visible_from_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
-- Members who joined a group after it had messages see what followed their joining.
UPDATE members SET visible_from_seq = coalesce(
    (SELECT max(seq) FROM messages g WHERE g.conversation_id = members.conversation_id AND g.created_at < members.joined_at), 0)
 WHERE conversation_id IN (SELECT id FROM conversations WHERE kind = 'group');
-- Removed by someone else (an admin), as the log tells.
UPDATE members SET removed = 1
 WHERE active = 0 AND EXISTS (
   SELECT 1 FROM events e
    WHERE e.conversation_id = members.conversation_id AND e.type = 'member.removed'
      AND json_extract(e.payload, '$.userId') = members.user_id AND json_extract(e.payload, '$.reason') = 'removed'
      AND e.pos = (SELECT max(x.pos) FROM events x WHERE x.conversation_id = members.conversation_id
                    AND x.type = 'member.removed' AND json_extract(x.payload, '$.userId') = members.user_id));
