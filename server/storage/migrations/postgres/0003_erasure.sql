-- Deletion that erases. Every event that carries a message's text (its message.created, .edited and
-- .deleted events; the quotes in the events of messages that reply to it) is rewritten when the message
-- is edited or deleted. messages.event_positions lists a message's own events ("pos,pos,…"); replies are
-- found through reply_to_id.
ALTER TABLE messages ADD COLUMN event_positions TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_reply_to ON messages(reply_to_id) WHERE reply_to_id IS NOT NULL;

UPDATE messages m SET event_positions = c.positions
  FROM (SELECT payload::jsonb #>> '{message,id}' AS message_id, string_agg(pos::text, ',' ORDER BY pos) AS positions
          FROM events WHERE type IN ('message.created', 'message.edited', 'message.deleted')
         GROUP BY 1) c
 WHERE c.message_id = m.id;

-- What earlier versions left in the log: the old text of edited and deleted messages…
UPDATE events e
   SET payload = jsonb_set(e.payload::jsonb, '{message,text}', coalesce(to_jsonb(m.text), 'null'::jsonb))::text
  FROM messages m
 WHERE e.type IN ('message.created', 'message.edited', 'message.deleted')
   AND m.id = e.payload::jsonb #>> '{message,id}'
   AND (e.payload::jsonb #>> '{message,text}') IS DISTINCT FROM m.text;
-- …their quotes in replies…
UPDATE events e
   SET payload = jsonb_set(
         jsonb_set(e.payload::jsonb, '{message,replyTo,text}',
                   coalesce(to_jsonb(CASE WHEN m.deleted_at IS NULL THEN left(m.text, 200) END), 'null'::jsonb)),
         '{message,replyTo,deleted}', to_jsonb(m.deleted_at IS NOT NULL))::text
  FROM messages m
 WHERE e.type IN ('message.created', 'message.edited', 'message.deleted')
   AND m.id = e.payload::jsonb #>> '{message,replyTo,id}'
   AND (e.payload::jsonb #>> '{message,replyTo,text}')
       IS DISTINCT FROM (CASE WHEN m.deleted_at IS NULL THEN left(m.text, 200) END);
-- …and the last message in the snapshots given to people joining a conversation (no longer sent).
UPDATE events SET payload = jsonb_set(payload::jsonb, '{conversation,lastMessage}', 'null'::jsonb)::text
 WHERE type = 'conversation.joined' AND (payload::jsonb #> '{conversation,lastMessage}') <> 'null'::jsonb;
