-- 007_read_paths (PostgreSQL; what sqlite/007_read_paths.sql does):
--
-- 1. Each customer's order, return and interaction totals, kept current by
-- triggers, so a page of customers and the 360 view read one row per
-- customer. Same rules as SQLite's: an insert adds to the row; a delete or
-- a change of customer, amount or time recomputes the customers concerned
-- (orders) or takes the old values back (returns, interactions). A customer
-- without a row has no orders, returns or interactions.
--
-- SQLite's triggers run per row; these run per statement over its
-- transition tables, so bulk mode's batched INSERT ... SELECT unnest(...)
-- of 10,000 orders updates each customer's row once, set-based. They are
-- ENABLE ALWAYS: bulk mode's session_replication_role = replica silences
-- ordinary triggers, and the totals must follow imports too.
--
-- 2. Names searched by 1-2 characters: SQLite replaces migration 004's gram
-- table with an FTS5 table of one token per character; here 004's grams
-- stay (pg_trgm answers 3 and more) and customers_chars(phrase) is a
-- function over them taking the FTS5 phrase the shared SQL binds
-- ("张 伟"). Grams are now lower-cased with lower() (every letter with a
-- case, as FTS5's unicode61 folds them; 004 folded ASCII only).

CREATE TABLE customer_totals (
	customer_id BIGINT PRIMARY KEY,
	orders BIGINT NOT NULL DEFAULT 0,
	order_total BIGINT NOT NULL DEFAULT 0,   -- sum of orders.total
	first_order_at BIGINT,                   -- NULL without orders
	last_order_at BIGINT,
	returns BIGINT NOT NULL DEFAULT 0,
	returned BIGINT NOT NULL DEFAULT 0,      -- sum of returns.amount
	interactions BIGINT NOT NULL DEFAULT 0
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

CREATE FUNCTION ecrm_totals_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	gone bigint[];
	came bigint[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO customer_totals AS ct (customer_id, orders, order_total,
			first_order_at, last_order_at)
		SELECT customer_id, COUNT(*), SUM(total), MIN(placed_at), MAX(placed_at)
		FROM new_rows WHERE customer_id IS NOT NULL GROUP BY customer_id
		ON CONFLICT (customer_id) DO UPDATE SET
			orders = ct.orders + excluded.orders,
			order_total = ct.order_total + excluded.order_total,
			first_order_at = LEAST(ct.first_order_at, excluded.first_order_at),
			last_order_at = GREATEST(ct.last_order_at, excluded.last_order_at);
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT customer_id) INTO gone
		FROM old_rows WHERE customer_id IS NOT NULL;
		IF gone IS NOT NULL THEN
			UPDATE customer_totals ct SET
				(orders, order_total, first_order_at, last_order_at) =
				(SELECT COUNT(*), COALESCE(SUM(o.total), 0), MIN(o.placed_at),
					MAX(o.placed_at)
				 FROM orders o WHERE o.customer_id = ct.customer_id)
			WHERE ct.customer_id = ANY (gone);
		END IF;
	ELSE
		-- Only rows whose customer, total or time changed count.
		SELECT array_agg(DISTINCT o.customer_id) FILTER (WHERE o.customer_id IS NOT NULL),
		       array_agg(DISTINCT n.customer_id) FILTER (WHERE n.customer_id IS NOT NULL)
		INTO gone, came
		FROM old_rows o JOIN new_rows n ON n.id = o.id
		WHERE o.customer_id IS DISTINCT FROM n.customer_id
		   OR o.total IS DISTINCT FROM n.total OR o.placed_at IS DISTINCT FROM n.placed_at;
		IF gone IS NOT NULL THEN
			UPDATE customer_totals ct SET
				(orders, order_total, first_order_at, last_order_at) =
				(SELECT COUNT(*), COALESCE(SUM(o.total), 0), MIN(o.placed_at),
					MAX(o.placed_at)
				 FROM orders o WHERE o.customer_id = ct.customer_id)
			WHERE ct.customer_id = ANY (gone);
		END IF;
		IF came IS NOT NULL THEN
			INSERT INTO customer_totals AS ct (customer_id, orders, order_total,
				first_order_at, last_order_at)
			SELECT customer_id, COUNT(*), COALESCE(SUM(total), 0), MIN(placed_at),
				MAX(placed_at)
			FROM orders WHERE customer_id = ANY (came) GROUP BY customer_id
			ON CONFLICT (customer_id) DO UPDATE SET
				orders = excluded.orders, order_total = excluded.order_total,
				first_order_at = excluded.first_order_at,
				last_order_at = excluded.last_order_at;
		END IF;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER customer_totals_order_ai AFTER INSERT ON orders
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_orders();
CREATE TRIGGER customer_totals_order_ad AFTER DELETE ON orders
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_orders();
CREATE TRIGGER customer_totals_order_au AFTER UPDATE ON orders
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_orders();

-- ---- returns and interactions: added and taken back ----

-- Per customer, the count and sum of `amount` of the rows a statement
-- removed are taken from the totals (a customer without a row is left
-- alone), and those of the rows it added are added (making the row). An
-- UPDATE counts only rows whose customer or amount changed. One function
-- per event: each names only the transition tables its event has. The SQL
-- is written out in each (not shared SQL functions): PL/pgSQL keeps its
-- plans, a SQL function called from it is planned at every call (0.3 ms,
-- most of a one-row insert).
CREATE FUNCTION ecrm_totals_returns_ai() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO customer_totals AS ct (customer_id, returns, returned)
	SELECT customer_id, COUNT(*), SUM(amount) FROM new_rows
	WHERE customer_id IS NOT NULL GROUP BY customer_id
	ON CONFLICT (customer_id) DO UPDATE SET
		returns = ct.returns + excluded.returns, returned = ct.returned + excluded.returned;
	RETURN NULL;
END
$$;
CREATE FUNCTION ecrm_totals_returns_ad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE customer_totals ct SET returns = ct.returns - d.n, returned = ct.returned - d.amount
	FROM (SELECT customer_id, COUNT(*) AS n, SUM(amount) AS amount FROM old_rows
	      WHERE customer_id IS NOT NULL GROUP BY customer_id) d
	WHERE ct.customer_id = d.customer_id;
	RETURN NULL;
END
$$;
CREATE FUNCTION ecrm_totals_returns_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE customer_totals ct SET returns = ct.returns - d.n, returned = ct.returned - d.amount
	FROM (SELECT o.customer_id, COUNT(*) AS n, SUM(o.amount) AS amount
	      FROM old_rows o JOIN new_rows n ON n.id = o.id
	      WHERE o.customer_id IS NOT NULL AND (n.customer_id IS DISTINCT FROM o.customer_id
		 OR n.amount IS DISTINCT FROM o.amount)
	      GROUP BY o.customer_id) d
	WHERE ct.customer_id = d.customer_id;
	INSERT INTO customer_totals AS ct (customer_id, returns, returned)
	SELECT n.customer_id, COUNT(*), SUM(n.amount)
	FROM old_rows o JOIN new_rows n ON n.id = o.id
	WHERE n.customer_id IS NOT NULL AND (n.customer_id IS DISTINCT FROM o.customer_id
	   OR n.amount IS DISTINCT FROM o.amount)
	GROUP BY n.customer_id
	ON CONFLICT (customer_id) DO UPDATE SET
		returns = ct.returns + excluded.returns, returned = ct.returned + excluded.returned;
	RETURN NULL;
END
$$;

CREATE FUNCTION ecrm_totals_interactions_ai() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO customer_totals AS ct (customer_id, interactions)
	SELECT customer_id, COUNT(*) FROM new_rows
	WHERE customer_id IS NOT NULL GROUP BY customer_id
	ON CONFLICT (customer_id) DO UPDATE SET interactions = ct.interactions + excluded.interactions;
	RETURN NULL;
END
$$;
CREATE FUNCTION ecrm_totals_interactions_ad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE customer_totals ct SET interactions = ct.interactions - d.n
	FROM (SELECT customer_id, COUNT(*) AS n FROM old_rows
	      WHERE customer_id IS NOT NULL GROUP BY customer_id) d
	WHERE ct.customer_id = d.customer_id;
	RETURN NULL;
END
$$;
CREATE FUNCTION ecrm_totals_interactions_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE customer_totals ct SET interactions = ct.interactions - d.n
	FROM (SELECT o.customer_id, COUNT(*) AS n
	      FROM old_rows o JOIN new_rows n ON n.id = o.id
	      WHERE o.customer_id IS NOT NULL AND n.customer_id IS DISTINCT FROM o.customer_id
	      GROUP BY o.customer_id) d
	WHERE ct.customer_id = d.customer_id;
	INSERT INTO customer_totals AS ct (customer_id, interactions)
	SELECT n.customer_id, COUNT(*)
	FROM old_rows o JOIN new_rows n ON n.id = o.id
	WHERE n.customer_id IS NOT NULL AND n.customer_id IS DISTINCT FROM o.customer_id
	GROUP BY n.customer_id
	ON CONFLICT (customer_id) DO UPDATE SET interactions = ct.interactions + excluded.interactions;
	RETURN NULL;
END
$$;

CREATE TRIGGER customer_totals_return_ai AFTER INSERT ON returns
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_returns_ai();
CREATE TRIGGER customer_totals_return_ad AFTER DELETE ON returns
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_returns_ad();
CREATE TRIGGER customer_totals_return_au AFTER UPDATE ON returns
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_returns_au();

CREATE TRIGGER customer_totals_interaction_ai AFTER INSERT ON interactions
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_interactions_ai();
CREATE TRIGGER customer_totals_interaction_ad AFTER DELETE ON interactions
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_interactions_ad();
CREATE TRIGGER customer_totals_interaction_au AFTER UPDATE ON interactions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_interactions_au();

CREATE FUNCTION ecrm_totals_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM customer_totals ct USING old_rows o WHERE ct.customer_id = o.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER customer_totals_customer_ad AFTER DELETE ON customers
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_customers();

ALTER TABLE orders ENABLE ALWAYS TRIGGER customer_totals_order_ai;
ALTER TABLE orders ENABLE ALWAYS TRIGGER customer_totals_order_ad;
ALTER TABLE orders ENABLE ALWAYS TRIGGER customer_totals_order_au;
ALTER TABLE returns ENABLE ALWAYS TRIGGER customer_totals_return_ai;
ALTER TABLE returns ENABLE ALWAYS TRIGGER customer_totals_return_ad;
ALTER TABLE returns ENABLE ALWAYS TRIGGER customer_totals_return_au;
ALTER TABLE interactions ENABLE ALWAYS TRIGGER customer_totals_interaction_ai;
ALTER TABLE interactions ENABLE ALWAYS TRIGGER customer_totals_interaction_ad;
ALTER TABLE interactions ENABLE ALWAYS TRIGGER customer_totals_interaction_au;
ALTER TABLE customers ENABLE ALWAYS TRIGGER customer_totals_customer_ad;

-- ---- names by character ----

-- 004's grams, lower-cased by lower() instead of ASCII only.
CREATE OR REPLACE FUNCTION ecrm_name_grams(name text) RETURNS SETOF text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT DISTINCT substr(l, p, k.len)
	FROM (SELECT lower(name) AS l) n,
	     generate_series(1, length(name)) p, (VALUES (1), (2)) AS k(len)
	WHERE name ~ '[^ -~]' AND p <= length(name) + 1 - k.len
	  AND strpos(substr(name, p, k.len), ' ') = 0
$$;

TRUNCATE customer_name_grams;
INSERT INTO customer_name_grams (gram, customer_id)
	SELECT g, c.id FROM customers c, ecrm_name_grams(c.name) g ON CONFLICT DO NOTHING;

-- The characters of an FTS5 phrase of one-character tokens ("张 伟", inner
-- quotes doubled), lower-cased as the grams are: the gram to look up.
CREATE FUNCTION ecrm_chars_gram(phrase text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT lower(replace(replace(
		CASE WHEN left(phrase, 1) = '"' AND right(phrase, 1) = '"' AND length(phrase) >= 2
		     THEN substr(phrase, 2, length(phrase) - 2) ELSE phrase END,
		' ', ''), '""', '"'))
$$;

-- SQLite's `FROM customers_chars($1) h` (a table-valued FTS5 table): the
-- ids of names holding the characters, in id order. Plain SQL, so the
-- planner inlines it into the query and reads the gram's index range.
CREATE FUNCTION customers_chars(phrase text) RETURNS TABLE (rowid bigint)
	LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT g.customer_id FROM customer_name_grams g WHERE g.gram = ecrm_chars_gram(phrase)
$$;
