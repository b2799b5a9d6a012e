-- 007_read_paths: what makes the API's reads cheap.
--
-- 1. Each customer's order, return and interaction totals, kept current by
-- triggers, so a page of customers and the 360 view read one row per
-- customer instead of aggregating the customer's orders and returns on
-- every read (four correlated subqueries per listed row). An insert adds
-- to the row; a delete or a change of customer, amount or time recomputes
-- the customers concerned (first and last order times cannot be taken back
-- by subtraction). A customer without a row has no orders, returns or
-- interactions.
--
-- 2. Names searched by 1-2 characters (migration 004's gram table) go into
-- a contentless FTS5 table instead, one token per character: a fraction of
-- the space, and about a third of the cost per inserted customer.

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

-- ---- names by character ----

-- A name as one token per character: characters separated by spaces, the
-- name's own spaces as U+E000 (a private-use character, a token like any
-- other) so that a pair of characters across a space does not match, as
-- the gram table's pairs never held a space. Punctuation and symbols are
-- tokens too; unicode61 folds case. The same expression makes the text to
-- delete, which a contentless table needs given back exactly. Only names
-- with a character outside printable ASCII are indexed, as before.
CREATE VIRTUAL TABLE customers_chars USING fts5(
	chars, content = '',
	tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'");

INSERT INTO customers_chars (rowid, chars)
	SELECT c.id, (SELECT group_concat(CASE substr(c.name, p.n, 1) WHEN ' ' THEN char(57344)
			ELSE substr(c.name, p.n, 1) END, ' ')
		FROM name_positions p WHERE p.n <= length(c.name))
	FROM customers c WHERE c.name GLOB '*[^ -~]*';

DROP TRIGGER customers_search_ai;
DROP TRIGGER customers_search_au;
DROP TRIGGER customers_search_ad;
DROP TABLE customer_name_grams;

CREATE TRIGGER customers_search_ai AFTER INSERT ON customers
BEGIN
	INSERT INTO customers_fts (rowid, name) VALUES (new.id, new.name);
	INSERT INTO customers_chars (rowid, chars)
		SELECT new.id, group_concat(CASE substr(new.name, n, 1) WHEN ' ' THEN char(57344)
			ELSE substr(new.name, n, 1) END, ' ')
		FROM name_positions WHERE new.name GLOB '*[^ -~]*' AND n <= length(new.name)
		HAVING count(*) > 0;
	INSERT OR IGNORE INTO customer_tags (tag, customer_id)
		SELECT value, new.id FROM json_each(new.tags)
		WHERE json_valid(new.tags) AND type = 'text';
END;

CREATE TRIGGER customers_search_au AFTER UPDATE OF name ON customers
	WHEN old.name IS NOT new.name
BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO customers_fts (rowid, name) VALUES (new.id, new.name);
	INSERT INTO customers_chars (customers_chars, rowid, chars)
		SELECT 'delete', old.id, group_concat(CASE substr(old.name, n, 1)
			WHEN ' ' THEN char(57344) ELSE substr(old.name, n, 1) END, ' ')
		FROM name_positions WHERE old.name GLOB '*[^ -~]*' AND n <= length(old.name)
		HAVING count(*) > 0;
	INSERT INTO customers_chars (rowid, chars)
		SELECT new.id, group_concat(CASE substr(new.name, n, 1) WHEN ' ' THEN char(57344)
			ELSE substr(new.name, n, 1) END, ' ')
		FROM name_positions WHERE new.name GLOB '*[^ -~]*' AND n <= length(new.name)
		HAVING count(*) > 0;
END;

CREATE TRIGGER customers_search_ad AFTER DELETE ON customers
BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO customers_chars (customers_chars, rowid, chars)
		SELECT 'delete', old.id, group_concat(CASE substr(old.name, n, 1)
			WHEN ' ' THEN char(57344) ELSE substr(old.name, n, 1) END, ' ')
		FROM name_positions WHERE old.name GLOB '*[^ -~]*' AND n <= length(old.name)
		HAVING count(*) > 0;
	DELETE FROM customer_tags WHERE customer_id = old.id
		AND tag IN (SELECT value FROM json_each(old.tags) WHERE json_valid(old.tags));
END;
