-- 009_snapshot_index: the analytics snapshot reads every order's customer,
-- time, total, cost and item count grouped by customer and in time order
-- (src/analytics/snapshot.c). orders_customer (customer_id, placed_at) now
-- holds those columns too, so that read walks the index alone: about a
-- quarter of the table's bytes, rows already grouped, no sort in memory.
-- It replaces the narrower index under the same name (same key prefix, so
-- every query that used it still does), so an order insert still updates
-- one index for it, not two.
DROP INDEX orders_customer;
CREATE INDEX orders_customer ON orders(customer_id, placed_at, total, cogs, item_count);
