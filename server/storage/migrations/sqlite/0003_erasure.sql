-- Deletion that erases. Every event that carries a message's text (its message.created, .edited and
-- .deleted events; the quotes in the events of messages that reply to it) is rewritten when the message
-- is edited or deleted. messages.event_positions lists a message's own events ("pos,pos,…"); replies are
-- found through reply_to_id.
ALTER TABLE messages ADD COLUMN event_positions TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_reply_to ON messages(reply_to_id) WHERE reply_to_id IS NOT NULL;

CREATE TEMP TABLE copies AS
  SELECT json_extract(payload, '$.message.id') AS message_id, group_concat(pos) AS positions
    FROM (SELECT pos, payload FROM events
           WHERE type IN ('message.created', 'message.edited', 'message.deleted') ORDER BY pos)
   GROUP BY 1;
CREATE INDEX temp.copies_message ON copies(message_id);
UPDATE messages SET event_positions = coalesce((SELECT positions FROM copies WHERE message_id = messages.id), '');
DROP TABLE copies;

-- What earlier versions left in the log: the old text of edited and deleted messages…
UPDATE events
   SET payload = json_set(payload, '$.message.text',
                          (SELECT m.text FROM messages m WHERE m.id = json_extract(events.payload, '$.message.id')))
 WHERE type IN ('message.created', 'message.edited', 'message.deleted')
   AND json_extract(payload, '$.message.text') IS NOT
       (SELECT m.text FROM messages m WHERE m.id = json_extract(events.payload, '$.message.id'));
-- …their quotes in replies…
UPDATE events
   SET payload = json_set(payload,
         '$.message.replyTo.text',
         (SELECT CASE WHEN m.deleted_at IS NULL THEN substr(m.text, 1, 200) END
            FROM messages m WHERE m.id = json_extract(events.payload, '$.message.replyTo.id')),
         '$.message.replyTo.deleted',
         json((SELECT CASE WHEN m.deleted_at IS NULL THEN 'false' ELSE 'true' END
                 FROM messages m WHERE m.id = json_extract(events.payload, '$.message.replyTo.id'))))
 WHERE type IN ('message.created', 'message.edited', 'message.deleted')
   AND json_extract(payload, '$.message.replyTo.id') IS NOT NULL
   AND json_extract(payload, '$.message.replyTo.text') IS NOT
       (SELECT CASE WHEN m.deleted_at IS NULL THEN substr(m.text, 1, 200) END
          FROM messages m WHERE m.id = json_extract(events.payload, '$.message.replyTo.id'));
-- …and the last message in the snapshots given to people joining a conversation (no longer sent).
UPDATE events SET payload = json_set(payload, '$.conversation.lastMessage', json('null'))
 WHERE type = 'conversation.joined' AND json_extract(payload, '$.conversation.lastMessage') IS NOT NULL;
