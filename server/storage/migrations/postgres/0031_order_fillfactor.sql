-- Orders and shipments are updated many times in their life: each tracking event moves its shipment and
-- writes its order's new state (status, version, time). None of those columns is indexed, so PostgreSQL
-- can write the new version of the row beside the old one on the same page without touching any index (a
-- heap-only tuple, HOT) — if the page has room. Filled to 100 %, it rarely has: in bench:commerce 73 % of
-- the orders' updates and 48 % of the shipments' were not HOT (each then a new entry in every index of the
-- table: four for orders). Pages written from now on keep 30 % free for the updates of their rows.
ALTER TABLE orders SET (fillfactor = 70);
ALTER TABLE shipments SET (fillfactor = 70);
