-- 011_list_sorts: what the customer list's sorts by revenue, orders and
-- last order, and the 360 view's duplicates of one customer need.
--
-- 1. Every customer gets a customer_totals row (zeros until the first
-- order, return or interaction), so a page in revenue, order-count or
-- last-order order is an index range over customer_totals joined to
-- customers by key, instead of sorting every customer on every page.
-- Readers keep treating a missing row as zeros (COALESCE), so nothing
-- breaks for a row that is missing anyway.
--
-- 2. Those three keys indexed with the customer id (the keyset's tie
-- breaker). The last order time is indexed as COALESCE(.., 0): both
-- stores then order customers without an order the same way (SQLite puts
-- NULLs first, PostgreSQL last).
--
-- 3. Postcodes as the duplicate finder compares them (upper case, no
-- spaces), so one customer's candidates are an index lookup.
--
-- Scores (CLV, churn risk) stay unindexed: 003 explains why.

INSERT INTO customer_totals (customer_id)
	SELECT c.id FROM customers c
	WHERE NOT EXISTS (SELECT 1 FROM customer_totals t WHERE t.customer_id = c.id);

CREATE TRIGGER customer_totals_customer_ai AFTER INSERT ON customers
BEGIN
	INSERT INTO customer_totals (customer_id) VALUES (new.id)
	ON CONFLICT (customer_id) DO NOTHING;
END;

CREATE INDEX customer_totals_revenue ON customer_totals ((order_total - returned), customer_id);
CREATE INDEX customer_totals_orders ON customer_totals (orders, customer_id);
CREATE INDEX customer_totals_last_order ON customer_totals ((COALESCE(last_order_at, 0)), customer_id);

CREATE INDEX customers_postcode_key ON customers ((upper(replace(postcode, ' ', ''))))
	WHERE postcode IS NOT NULL;
