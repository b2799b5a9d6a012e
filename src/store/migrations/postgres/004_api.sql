-- 004_api (PostgreSQL; the schema of sqlite/004_api.sql): name search,
-- customer tags as rows, indexes for keyset pages in every sort order,
-- erasure, and import jobs shared by every server on the database.

-- Search by name. SQLite uses an FTS5 trigram table; here pg_trgm's GIN
-- index on the name answers ILIKE '%fragment%' for fragments of 3 or more
-- characters, Chinese included (pg_trgm hashes multibyte trigrams when the
-- database's LC_CTYPE is a UTF-8 locale; under LC_CTYPE C non-ASCII
-- characters make no trigrams and the search still works, by scanning).
-- The SQL the code runs is SQLite's table-valued form,
-- `FROM customers_fts($1) f JOIN customers c ON c.id = f.rowid`, with $1 an
-- FTS5 phrase ("text", inner quotes doubled): customers_fts is a set-
-- returning function here. It is plain SQL, so the planner inlines it and
-- uses the index and the rowid conditions around it.
-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);

-- The LIKE pattern that finds the text of an FTS5 phrase anywhere.
CREATE FUNCTION ecrm_phrase_pattern(phrase text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT '%' || replace(replace(replace(replace(
		CASE WHEN left(phrase, 1) = '"' AND right(phrase, 1) = '"' AND length(phrase) >= 2
		     THEN substr(phrase, 2, length(phrase) - 2) ELSE phrase END,
		'""', '"'), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

CREATE FUNCTION customers_fts(phrase text) RETURNS TABLE (rowid bigint, name text)
	LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT c.id, c.name FROM customers c WHERE c.name ILIKE ecrm_phrase_pattern(phrase)
$$;

-- trigram cannot find fragments of 1-2 characters, so names with a
-- character outside printable ASCII also get their 1- and 2-character
-- grams (of the name lower-cased in ASCII only, as SQLite's lower() does;
-- grams with a space are left out). An ASCII fragment of 1-2 characters is
-- searched by scanning in page order (instr on the plain column).
CREATE FUNCTION ecrm_name_grams(name text) RETURNS SETOF text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT DISTINCT substr(l, p, k.len)
	FROM (SELECT translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
			       'abcdefghijklmnopqrstuvwxyz') AS l) n,
	     generate_series(1, length(name)) p, (VALUES (1), (2)) AS k(len)
	WHERE name ~ '[^ -~]' AND p <= length(name) + 1 - k.len
	  AND strpos(substr(name, p, k.len), ' ') = 0
$$;

CREATE TABLE customer_name_grams (
	gram TEXT NOT NULL,          -- 1 or 2 characters of the lower-cased name
	customer_id BIGINT NOT NULL,
	PRIMARY KEY (gram, customer_id)
);

-- One row per tag of a customer, so a tag filter is an index range.
CREATE TABLE customer_tags (
	tag TEXT NOT NULL,
	customer_id BIGINT NOT NULL,
	PRIMARY KEY (tag, customer_id)
);

-- The strings of a JSON array (SQLite: json_each ... WHERE json_valid AND
-- type = 'text'); nothing for text that is not a JSON array.
CREATE FUNCTION ecrm_json_tags(doc text) RETURNS SETOF text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
	IF doc IS NULL OR left(ltrim(doc), 1) <> '[' THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT DISTINCT v #>> '{}' FROM json_array_elements(doc::json) v
		WHERE json_typeof(v) = 'string';
EXCEPTION WHEN invalid_text_representation THEN
	RETURN;
END
$$;

-- Keeps grams and tags in step with customers, as SQLite's triggers do.
CREATE FUNCTION customers_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name) THEN
		DELETE FROM customer_name_grams WHERE customer_id = OLD.id;
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.tags IS DISTINCT FROM NEW.tags) THEN
		DELETE FROM customer_tags WHERE customer_id = OLD.id;
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN NULL;
	END IF;
	-- The tests up front skip the queries for the common case (an ASCII
	-- name, no tags): planning them costs more than the insert itself.
	IF (TG_OP = 'INSERT' OR OLD.name IS DISTINCT FROM NEW.name) AND NEW.name ~ '[^ -~]' THEN
		INSERT INTO customer_name_grams (gram, customer_id)
			SELECT g, NEW.id FROM ecrm_name_grams(NEW.name) g ON CONFLICT DO NOTHING;
	END IF;
	IF (TG_OP = 'INSERT' OR OLD.tags IS DISTINCT FROM NEW.tags) AND NEW.tags <> '[]' THEN
		INSERT INTO customer_tags (tag, customer_id)
			SELECT t, NEW.id FROM ecrm_json_tags(NEW.tags) t ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER customers_search AFTER INSERT OR UPDATE OF name, tags OR DELETE ON customers
	FOR EACH ROW EXECUTE FUNCTION customers_search_sync();
-- ALWAYS: bulk mode's session_replication_role = replica silences ordinary
-- triggers (and foreign keys); this one keeps the search data whole.
ALTER TABLE customers ENABLE ALWAYS TRIGGER customers_search;

-- Customers that existed before this migration.
INSERT INTO customer_name_grams (gram, customer_id)
	SELECT g, c.id FROM customers c, ecrm_name_grams(c.name) g ON CONFLICT DO NOTHING;
INSERT INTO customer_tags (tag, customer_id)
	SELECT t, c.id FROM customers c, ecrm_json_tags(c.tags) t ON CONFLICT DO NOTHING;

-- Keyset pages of live customers in each sort order (id needs none).
CREATE INDEX customers_live_name ON customers(name, id) WHERE merged_into IS NULL;
CREATE INDEX customers_live_created ON customers(created_at, id) WHERE merged_into IS NULL;
CREATE INDEX customers_country ON customers(country) WHERE country IS NOT NULL;
CREATE INDEX customers_city ON customers(city) WHERE city IS NOT NULL;

-- Erasure (right to be forgotten): when it happened; the row stays as a
-- tombstone so the customer's orders still count in statistics.
ALTER TABLE customers ADD COLUMN erased_at BIGINT;

CREATE INDEX orders_customer_id ON orders(customer_id, id);

-- Import jobs: an upload waits in import_job_data until a server's runner
-- claims it (any server on the database may); progress, summary and the
-- bad rows are kept here so every server reports the same.
CREATE TABLE import_jobs (
	id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('orders', 'customers')),
	format TEXT,                         -- NULL: detect from the header
	dry_run BIGINT NOT NULL DEFAULT 0,
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'running', 'done', 'failed')),
	filename TEXT,
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	finished_at BIGINT,
	heartbeat_at BIGINT,                 -- the runner's last sign of life
	runner TEXT,                         -- host:pid of the server running it
	bytes_total BIGINT NOT NULL DEFAULT 0,
	bytes_done BIGINT NOT NULL DEFAULT 0,
	rows BIGINT NOT NULL DEFAULT 0,
	rows_failed BIGINT NOT NULL DEFAULT 0,
	summary TEXT,                        -- JSON counts when finished
	error TEXT                           -- why a failed job failed
);
CREATE INDEX import_jobs_state ON import_jobs(state, id);

CREATE TABLE import_job_data (
	job_id BIGINT PRIMARY KEY REFERENCES import_jobs(id) ON DELETE CASCADE,
	body BYTEA NOT NULL
);

CREATE TABLE import_job_errors (
	job_id BIGINT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
	seq BIGINT NOT NULL,                 -- 1, 2 ... in file order
	line BIGINT NOT NULL,
	column_no BIGINT NOT NULL,           -- 1-based; 0: the whole row
	column_name TEXT,
	reason TEXT NOT NULL,
	PRIMARY KEY (job_id, seq)
);
