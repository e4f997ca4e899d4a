-- Customers' requests on their orders (server/commerce/requests.ts, docs/COMMERCE.md "Customer requests"):
-- a change, a cancellation or a return, its state, and its history of steps (who moved it, to what, with
-- which words) as one JSON column, read only with the request. What a change asks (items, address) and
-- what a return sends back are JSON too. Times in milliseconds.
CREATE TABLE order_requests (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  kind TEXT NOT NULL CHECK (kind IN ('change', 'cancel', 'return')),
  state TEXT NOT NULL CHECK (state IN ('requested', 'needs_info', 'accepted', 'rejected', 'applied', 'withdrawn')),
  change TEXT,
  reason TEXT,
  items TEXT,
  note TEXT,
  history TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- An order's requests, oldest first (its view carries them).
CREATE INDEX order_requests_order ON order_requests(order_id, created_at);

-- A page's policy for its customers' requests, as JSON (protocol/order-requests.ts RequestPolicy); a page
-- without a row has the defaults (defaultRequestPolicy).
CREATE TABLE order_request_policies (
  page_id TEXT PRIMARY KEY REFERENCES pages(id),
  policy TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
