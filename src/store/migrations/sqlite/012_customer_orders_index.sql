-- 012_customer_orders_index: the customer 360 view takes a customer's
-- newest orders (placed_at DESC, id DESC) from orders_customer. With the id
-- right after placed_at the index gives them in that order, so the page is
-- read from the index without a sort (SQLite built a temporary b-tree for
-- it on every view). The columns the analytics snapshot reads (009) stay in
-- the index, after the id: its scan in (customer_id, placed_at) order is
-- unchanged.
DROP INDEX orders_customer;
CREATE INDEX orders_customer ON orders(customer_id, placed_at, id, total, cogs, item_count);
