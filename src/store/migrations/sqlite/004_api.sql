-- 004_api: what the REST API needs: name search (FTS5 trigram index for
-- fragments of 3+ characters, a gram table for 1-2 character fragments of
-- non-ASCII names such as Chinese ones), customer tags as rows, indexes for
-- keyset pages in every sort order, erasure, and import jobs shared by
-- every server on the database.

-- Search by name. trigram finds any fragment of 3 or more characters,
-- Chinese included; it cannot find shorter ones (PLATFORM.md), so names with
-- non-ASCII characters also get their 1- and 2-character grams below. An
-- ASCII fragment of 1-2 characters is common enough that a scan in page
-- order finds a page quickly (instr on the plain column).
CREATE VIRTUAL TABLE customers_fts USING fts5(
	name, content = 'customers', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO customers_fts(customers_fts) VALUES ('rebuild');

-- Character positions 1..300 (names are at most 300 bytes), for the
-- triggers that cut names into grams: triggers cannot use recursive CTEs.
CREATE TABLE name_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 300)
INSERT INTO name_positions (n) SELECT n FROM p;

CREATE TABLE customer_name_grams (
	gram TEXT NOT NULL,          -- 1 or 2 characters of lower(name)
	customer_id INTEGER NOT NULL,
	PRIMARY KEY (gram, customer_id)
) WITHOUT ROWID;

-- One row per tag of a customer, so a tag filter is an index range.
CREATE TABLE customer_tags (
	tag TEXT NOT NULL,
	customer_id INTEGER NOT NULL,
	PRIMARY KEY (tag, customer_id)
) WITHOUT ROWID;

-- GLOB '*[^ -~]*': the name has a character outside printable ASCII.
CREATE TRIGGER customers_search_ai AFTER INSERT ON customers
BEGIN
	INSERT INTO customers_fts (rowid, name) VALUES (new.id, new.name);
	INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)
		SELECT substr(lower(new.name), p.n, k.len), new.id
		FROM name_positions p, (SELECT 1 AS len UNION ALL SELECT 2) k
		WHERE new.name GLOB '*[^ -~]*' AND p.n <= length(new.name) + 1 - k.len
		  AND substr(new.name, p.n, k.len) NOT GLOB '*[ ]*';
	INSERT OR IGNORE INTO customer_tags (tag, customer_id)
		SELECT value, new.id FROM json_each(new.tags)
		WHERE json_valid(new.tags) AND type = 'text';
END;

CREATE TRIGGER customers_search_au AFTER UPDATE OF name ON customers
	WHEN old.name IS NOT new.name
BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO customers_fts (rowid, name) VALUES (new.id, new.name);
	DELETE FROM customer_name_grams WHERE customer_id = old.id
		AND gram IN (SELECT substr(lower(old.name), p.n, k.len)
			FROM name_positions p, (SELECT 1 AS len UNION ALL SELECT 2) k
			WHERE p.n <= length(old.name) + 1 - k.len);
	INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)
		SELECT substr(lower(new.name), p.n, k.len), new.id
		FROM name_positions p, (SELECT 1 AS len UNION ALL SELECT 2) k
		WHERE new.name GLOB '*[^ -~]*' AND p.n <= length(new.name) + 1 - k.len
		  AND substr(new.name, p.n, k.len) NOT GLOB '*[ ]*';
END;

CREATE TRIGGER customers_tags_au AFTER UPDATE OF tags ON customers
	WHEN old.tags IS NOT new.tags
BEGIN
	DELETE FROM customer_tags WHERE customer_id = old.id
		AND tag IN (SELECT value FROM json_each(old.tags) WHERE json_valid(old.tags));
	INSERT OR IGNORE INTO customer_tags (tag, customer_id)
		SELECT value, new.id FROM json_each(new.tags)
		WHERE json_valid(new.tags) AND type = 'text';
END;

CREATE TRIGGER customers_search_ad AFTER DELETE ON customers
BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, name) VALUES ('delete', old.id, old.name);
	DELETE FROM customer_name_grams WHERE customer_id = old.id
		AND gram IN (SELECT substr(lower(old.name), p.n, k.len)
			FROM name_positions p, (SELECT 1 AS len UNION ALL SELECT 2) k
			WHERE p.n <= length(old.name) + 1 - k.len);
	DELETE FROM customer_tags WHERE customer_id = old.id
		AND tag IN (SELECT value FROM json_each(old.tags) WHERE json_valid(old.tags));
END;

-- Customers that existed before this migration.
INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)
	SELECT substr(lower(c.name), p.n, k.len), c.id
	FROM customers c, name_positions p, (SELECT 1 AS len UNION ALL SELECT 2) k
	WHERE c.name GLOB '*[^ -~]*' AND p.n <= length(c.name) + 1 - k.len
	  AND substr(c.name, p.n, k.len) NOT GLOB '*[ ]*';
INSERT OR IGNORE INTO customer_tags (tag, customer_id)
	SELECT j.value, c.id FROM customers c, json_each(c.tags) j
	WHERE json_valid(c.tags) AND j.type = 'text';

-- Keyset pages of live customers in each sort order (id needs none).
CREATE INDEX customers_live_name ON customers(name, id) WHERE merged_into IS NULL;
CREATE INDEX customers_live_created ON customers(created_at, id) WHERE merged_into IS NULL;
CREATE INDEX customers_country ON customers(country) WHERE country IS NOT NULL;
CREATE INDEX customers_city ON customers(city) WHERE city IS NOT NULL;

-- Erasure (right to be forgotten): when it happened; the row stays as a
-- tombstone so the customer's orders still count in statistics.
ALTER TABLE customers ADD COLUMN erased_at INTEGER;

CREATE INDEX orders_customer_id ON orders(customer_id, id);

-- Import jobs: an upload waits in import_job_data until a server's runner
-- claims it (any server on the database may); progress, summary and the
-- bad rows are kept here so every server reports the same.
CREATE TABLE import_jobs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('orders', 'customers')),
	format TEXT,                         -- NULL: detect from the header
	dry_run INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'running', 'done', 'failed')),
	filename TEXT,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER,
	heartbeat_at INTEGER,                -- the runner's last sign of life
	runner TEXT,                         -- host:pid of the server running it
	bytes_total INTEGER NOT NULL DEFAULT 0,
	bytes_done INTEGER NOT NULL DEFAULT 0,
	rows INTEGER NOT NULL DEFAULT 0,
	rows_failed INTEGER NOT NULL DEFAULT 0,
	summary TEXT,                        -- JSON counts when finished
	error TEXT                           -- why a failed job failed
);
CREATE INDEX import_jobs_state ON import_jobs(state, id);

CREATE TABLE import_job_data (
	job_id INTEGER PRIMARY KEY REFERENCES import_jobs(id) ON DELETE CASCADE,
	body BLOB NOT NULL
);

CREATE TABLE import_job_errors (
	job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,                -- 1, 2 ... in file order
	line INTEGER NOT NULL,
	column_no INTEGER NOT NULL,          -- 1-based; 0: the whole row
	column_name TEXT,
	reason TEXT NOT NULL,
	PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
