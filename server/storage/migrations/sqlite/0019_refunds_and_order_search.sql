-- Refunds a merchant records on an order (server/commerce/, docs/COMMERCE.md), and what the business
-- inbox's search needs to find a conversation by an order's number or a parcel's tracking number, case
-- aside (docs/INBOX.md). Amounts in the currency's minor units; the sum of an order's refunds never exceeds
-- its total (checked in the job that records one).

CREATE TABLE order_refunds (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  reason TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX order_refunds_order ON order_refunds(order_id, created_at);

-- A refund is a line of the order's history. SQLite cannot change a CHECK in place: the table is
-- rebuilt, its rows unchanged.
CREATE TABLE order_timeline_next (
  order_id TEXT NOT NULL REFERENCES orders(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('status', 'shipment', 'tracking', 'updated', 'refund')),
  status TEXT NOT NULL,
  shipment_id TEXT REFERENCES shipments(id),
  place TEXT,
  description TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (order_id, seq)
);
INSERT INTO order_timeline_next (order_id, seq, kind, status, shipment_id, place, description, at)
  SELECT order_id, seq, kind, status, shipment_id, place, description, at FROM order_timeline;
DROP TABLE order_timeline;
ALTER TABLE order_timeline_next RENAME TO order_timeline;

-- The inbox's search: an order's number and a shipment's tracking number, exact or by their beginning,
-- case aside (a range over lower(), in byte order).
CREATE INDEX orders_number_search ON orders(page_id, lower(number));
CREATE INDEX shipments_tracking_search ON shipments(lower(tracking_number));
