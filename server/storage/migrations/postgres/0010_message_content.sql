-- What a message carries besides its text (protocol/content.ts): an attachment (media, a template), quick
-- replies offered, the quick reply a person tapped, a bot's metadata — as JSON; NULL for plain text.
-- Deleting a message for everyone clears it with the text.
ALTER TABLE messages ADD COLUMN content TEXT;
