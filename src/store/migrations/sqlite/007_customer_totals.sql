-- 007_customer_totals: each customer's order, return and interaction
-- totals, kept current by triggers, so a page of customers and the 360 view
-- read one row per customer instead of aggregating the customer's orders
-- and returns on every read (four correlated subqueries per listed row).
-- An insert adds to the row; a delete or a change of customer, amount or
-- time recomputes the customers concerned (first and last order times
-- cannot be taken back by subtraction). A customer without a row has no
-- orders, returns or interactions.

CREATE TABLE customer_totals (
	customer_id INTEGER PRIMARY KEY,
	orders INTEGER NOT NULL DEFAULT 0,
	order_total INTEGER NOT NULL DEFAULT 0,   -- sum of orders.total
	first_order_at INTEGER,                   -- NULL without orders
	last_order_at INTEGER,
	returns INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,      -- sum of returns.amount
	interactions INTEGER NOT NULL DEFAULT 0
);

INSERT INTO customer_totals (customer_id, orders, order_total, first_order_at, last_order_at)
	SELECT customer_id, COUNT(*), SUM(total), MIN(placed_at), MAX(placed_at)
	FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id;
INSERT INTO customer_totals (customer_id, returns, returned)
	SELECT customer_id, COUNT(*), SUM(amount)
	FROM returns WHERE customer_id IS NOT NULL GROUP BY customer_id
	ON CONFLICT (customer_id) DO UPDATE
	SET returns = excluded.returns, returned = excluded.returned;
INSERT INTO customer_totals (customer_id, interactions)
	SELECT customer_id, COUNT(*)
	FROM interactions WHERE customer_id IS NOT NULL GROUP BY customer_id
	ON CONFLICT (customer_id) DO UPDATE SET interactions = excluded.interactions;

-- ---- orders ----

CREATE TRIGGER customer_totals_order_ai AFTER INSERT ON orders
	WHEN new.customer_id IS NOT NULL
BEGIN
	INSERT INTO customer_totals (customer_id, orders, order_total, first_order_at,
		last_order_at)
	VALUES (new.customer_id, 1, new.total, new.placed_at, new.placed_at)
	ON CONFLICT (customer_id) DO UPDATE SET
		orders = orders + 1,
		order_total = order_total + excluded.order_total,
		first_order_at = min(COALESCE(first_order_at, excluded.first_order_at),
			excluded.first_order_at),
		last_order_at = max(COALESCE(last_order_at, excluded.last_order_at),
			excluded.last_order_at);
END;

CREATE TRIGGER customer_totals_order_ad AFTER DELETE ON orders
	WHEN old.customer_id IS NOT NULL
BEGIN
	UPDATE customer_totals SET
		(orders, order_total, first_order_at, last_order_at) =
		(SELECT COUNT(*), COALESCE(SUM(total), 0), MIN(placed_at), MAX(placed_at)
		 FROM orders WHERE customer_id = old.customer_id)
	WHERE customer_id = old.customer_id;
END;

CREATE TRIGGER customer_totals_order_au AFTER UPDATE OF customer_id, total, placed_at ON orders
	WHEN old.customer_id IS NOT new.customer_id OR old.total IS NOT new.total
	  OR old.placed_at IS NOT new.placed_at
BEGIN
	UPDATE customer_totals SET
		(orders, order_total, first_order_at, last_order_at) =
		(SELECT COUNT(*), COALESCE(SUM(total), 0), MIN(placed_at), MAX(placed_at)
		 FROM orders WHERE customer_id = old.customer_id)
	WHERE customer_id = old.customer_id;
	INSERT INTO customer_totals (customer_id, orders, order_total, first_order_at,
		last_order_at)
	SELECT new.customer_id, COUNT(*), COALESCE(SUM(total), 0), MIN(placed_at),
		MAX(placed_at)
	FROM orders WHERE customer_id = new.customer_id GROUP BY customer_id
	ON CONFLICT (customer_id) DO UPDATE SET
		orders = excluded.orders, order_total = excluded.order_total,
		first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at;
END;

-- ---- returns ----

CREATE TRIGGER customer_totals_return_ai AFTER INSERT ON returns
	WHEN new.customer_id IS NOT NULL
BEGIN
	INSERT INTO customer_totals (customer_id, returns, returned)
	VALUES (new.customer_id, 1, new.amount)
	ON CONFLICT (customer_id) DO UPDATE SET
		returns = returns + 1, returned = returned + excluded.returned;
END;

CREATE TRIGGER customer_totals_return_ad AFTER DELETE ON returns
	WHEN old.customer_id IS NOT NULL
BEGIN
	UPDATE customer_totals SET returns = returns - 1, returned = returned - old.amount
	WHERE customer_id = old.customer_id;
END;

CREATE TRIGGER customer_totals_return_au AFTER UPDATE OF customer_id, amount ON returns
	WHEN old.customer_id IS NOT new.customer_id OR old.amount IS NOT new.amount
BEGIN
	UPDATE customer_totals SET returns = returns - 1, returned = returned - old.amount
	WHERE old.customer_id IS NOT NULL AND customer_id = old.customer_id;
	INSERT INTO customer_totals (customer_id, returns, returned)
	SELECT new.customer_id, 1, new.amount WHERE new.customer_id IS NOT NULL
	ON CONFLICT (customer_id) DO UPDATE SET
		returns = returns + 1, returned = returned + excluded.returned;
END;

-- ---- interactions ----

CREATE TRIGGER customer_totals_interaction_ai AFTER INSERT ON interactions
	WHEN new.customer_id IS NOT NULL
BEGIN
	INSERT INTO customer_totals (customer_id, interactions) VALUES (new.customer_id, 1)
	ON CONFLICT (customer_id) DO UPDATE SET interactions = interactions + 1;
END;

CREATE TRIGGER customer_totals_interaction_ad AFTER DELETE ON interactions
	WHEN old.customer_id IS NOT NULL
BEGIN
	UPDATE customer_totals SET interactions = interactions - 1
	WHERE customer_id = old.customer_id;
END;

CREATE TRIGGER customer_totals_interaction_au AFTER UPDATE OF customer_id ON interactions
	WHEN old.customer_id IS NOT new.customer_id
BEGIN
	UPDATE customer_totals SET interactions = interactions - 1
	WHERE old.customer_id IS NOT NULL AND customer_id = old.customer_id;
	INSERT INTO customer_totals (customer_id, interactions)
	SELECT new.customer_id, 1 WHERE new.customer_id IS NOT NULL
	ON CONFLICT (customer_id) DO UPDATE SET interactions = interactions + 1;
END;

CREATE TRIGGER customer_totals_customer_ad AFTER DELETE ON customers
BEGIN
	DELETE FROM customer_totals WHERE customer_id = old.id;
END;
