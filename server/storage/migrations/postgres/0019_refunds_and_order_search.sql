-- Refunds a merchant records on an order (server/commerce/, docs/COMMERCE.md), and what the business
-- inbox's search needs to find a conversation by an order's number or a parcel's tracking number, case
-- aside (docs/INBOX.md). Amounts in the currency's minor units; the sum of an order's refunds never exceeds
-- its total (checked in the job that records one).

CREATE TABLE order_refunds (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  amount BIGINT NOT NULL CHECK (amount > 0),
  reason TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX order_refunds_order ON order_refunds(order_id, created_at);

-- A refund is a line of the order's history.
ALTER TABLE order_timeline DROP CONSTRAINT order_timeline_kind_check;
ALTER TABLE order_timeline ADD CONSTRAINT order_timeline_kind_check
  CHECK (kind IN ('status', 'shipment', 'tracking', 'updated', 'refund'));

-- The inbox's search: an order's number and a shipment's tracking number, exact or by their beginning,
-- case aside (a range over lower(), in byte order).
CREATE INDEX orders_number_search ON orders(page_id, (lower(number) COLLATE "C"));
CREATE INDEX shipments_tracking_search ON shipments((lower(tracking_number) COLLATE "C"));
