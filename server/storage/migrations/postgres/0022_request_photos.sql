-- A customer's photos on a return (docs/COMMERCE.md, "Photos"): the media the request's message carries
-- in the order's thread, as that message stores them (MediaRef[] as JSON); NULL when there are none.
ALTER TABLE order_requests ADD COLUMN photos TEXT;
