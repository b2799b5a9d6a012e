-- 011_list_sorts (PostgreSQL; what sqlite/011_list_sorts.sql does): every
-- customer gets a customer_totals row, so the customer list's sorts by
-- revenue, orders and last order are index ranges; those keys indexed with
-- the customer id (the keyset's tie breaker; the last order as
-- COALESCE(.., 0) so both stores order customers without an order alike);
-- postcodes indexed as the duplicate finder compares them.
--
-- The trigger is per statement over its transition table, as 007's are,
-- and ENABLE ALWAYS: bulk mode's session_replication_role = replica must
-- not leave imported customers without a row.

INSERT INTO customer_totals (customer_id)
	SELECT c.id FROM customers c
	WHERE NOT EXISTS (SELECT 1 FROM customer_totals t WHERE t.customer_id = c.id);

CREATE FUNCTION ecrm_totals_customer_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO customer_totals (customer_id)
	SELECT id FROM new_rows
	ON CONFLICT (customer_id) DO NOTHING;
	RETURN NULL;
END
$$;

CREATE TRIGGER customer_totals_customer_ai AFTER INSERT ON customers
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ecrm_totals_customer_rows();
ALTER TABLE customers ENABLE ALWAYS TRIGGER customer_totals_customer_ai;

CREATE INDEX customer_totals_revenue ON customer_totals ((order_total - returned), customer_id);
CREATE INDEX customer_totals_orders ON customer_totals (orders, customer_id);
CREATE INDEX customer_totals_last_order ON customer_totals ((COALESCE(last_order_at, 0)), customer_id);

CREATE INDEX customers_postcode_key ON customers ((upper(replace(postcode, ' ', ''))))
	WHERE postcode IS NOT NULL;
