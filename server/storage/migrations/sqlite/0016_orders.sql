-- Orders, their shipments and their history (server/commerce/, docs/COMMERCE.md). An order belongs to a
-- page and is for one person (customer_id, the person's account; the API names them by page-scoped id);
-- its thread is the person's conversation with the page. Amounts are integers in the currency's minor
-- units. What is only ever read with the order (items, adjustments, taxes, address…) is one JSON column.

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  page_id TEXT NOT NULL REFERENCES pages(id),
  number TEXT NOT NULL,
  customer_id TEXT NOT NULL REFERENCES users(id),
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  status TEXT NOT NULL CHECK (status IN ('placed', 'processing', 'partially_shipped', 'shipped', 'delivered',
                                         'cancelled', 'returned')),
  currency TEXT NOT NULL,
  total INTEGER NOT NULL,
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (page_id, number)
);
-- A customer's orders with a page (the order panel beside the thread).
CREATE INDEX orders_customer ON orders(page_id, customer_id, created_at);

CREATE TABLE shipments (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  status TEXT NOT NULL CHECK (status IN ('label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception')),
  carrier TEXT NOT NULL,
  tracking_number TEXT NOT NULL,
  tracking_url TEXT,
  items TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX shipments_order ON shipments(order_id, created_at);

-- An order's history, oldest first: its changes of status, its shipments, their tracking events.
CREATE TABLE order_timeline (
  order_id TEXT NOT NULL REFERENCES orders(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('status', 'shipment', 'tracking', 'updated')),
  status TEXT NOT NULL,
  shipment_id TEXT REFERENCES shipments(id),
  place TEXT,
  description TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (order_id, seq)
);

-- The Orders API's idempotency keys, per page: the request they were first used with (its fingerprint)
-- and the answer it got, given again to the same request and refused to another.
CREATE TABLE order_idempotency_keys (
  page_id TEXT NOT NULL REFERENCES pages(id),
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (page_id, key)
);
