-- A page's saved attachments (me/message_attachments, or sent with is_reusable: docs/PLATFORM.md) are
-- stored media now: each row maps the attachment's 15-digit id (what apps know and send again) to its
-- reusable media record, with the URL it was fetched from (none for a file uploaded with the call). A row
-- saved before media storage has only its URL: its media is fetched at its next use and kept here.
ALTER TABLE page_attachments ALTER COLUMN url DROP NOT NULL;
ALTER TABLE page_attachments ADD COLUMN media_id TEXT REFERENCES media(id);
ALTER TABLE page_attachments ADD CONSTRAINT page_attachments_url_or_media CHECK (url IS NOT NULL OR media_id IS NOT NULL);
