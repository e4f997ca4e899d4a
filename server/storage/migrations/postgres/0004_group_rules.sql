-- Group rules. `history`: what a member sees of the messages sent before they joined — 'joined' (from
-- their joining on: the default of groups) or 'full'. `visible_from_seq`: the conversation's last seq when
-- the member (last) joined. `removed`: TRUE when an admin removed them (only admins may add them back),
-- FALSE when they left on their own or are a member.
ALTER TABLE conversations ADD COLUMN history TEXT NOT NULL DEFAULT 'joined' CHECK (history IN ('joined', 'full'));
UPDATE conversations SET history = 'full' WHERE kind = 'direct';
ALTER TABLE members ADD COLUMN visible_from_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN removed BOOLEAN NOT NULL DEFAULT FALSE;
-- Members who joined a group after it had messages see what followed their joining.
UPDATE members m SET visible_from_seq = coalesce(
    (SELECT max(seq) FROM messages g WHERE g.conversation_id = m.conversation_id AND g.created_at < m.joined_at), 0)
 WHERE m.conversation_id IN (SELECT id FROM conversations WHERE kind = 'group');
-- Removed by someone else (an admin), as the log tells.
UPDATE members m SET removed = TRUE
  FROM (SELECT DISTINCT ON (conversation_id, payload::jsonb ->> 'userId')
               conversation_id, payload::jsonb ->> 'userId' AS user_id, payload::jsonb ->> 'reason' AS reason
          FROM events WHERE type = 'member.removed'
         ORDER BY conversation_id, payload::jsonb ->> 'userId', pos DESC) last
 WHERE NOT m.active AND last.conversation_id = m.conversation_id AND last.user_id = m.user_id
   AND last.reason = 'removed';
