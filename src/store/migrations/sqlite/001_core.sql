-- 001_core: customers, products, orders, order items, returns, interactions,
-- merges and import jobs. Money is integer minor units; times are Unix
-- seconds, UTC. external_id is the shop's id: the idempotency key of imports.

CREATE TABLE customers (
	id INTEGER PRIMARY KEY,
	external_id TEXT UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	email TEXT,                 -- trimmed, lower-case
	phone TEXT,                 -- E.164
	gender TEXT,
	birth_date TEXT,            -- YYYY-MM-DD
	address TEXT,
	postcode TEXT,
	city TEXT,
	region TEXT,
	country TEXT,
	source TEXT NOT NULL DEFAULT 'import',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	consent_email INTEGER NOT NULL DEFAULT 0,
	consent_sms INTEGER NOT NULL DEFAULT 0,
	consent_profiling INTEGER NOT NULL DEFAULT 1,
	tags TEXT NOT NULL DEFAULT '[]',        -- JSON array of strings
	attributes TEXT NOT NULL DEFAULT '{}',  -- JSON object: custom fields
	merged_into INTEGER REFERENCES customers(id)
);
CREATE INDEX customers_email ON customers(email) WHERE email IS NOT NULL;
CREATE INDEX customers_phone ON customers(phone) WHERE phone IS NOT NULL;
CREATE INDEX customers_merged_into ON customers(merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE products (
	id INTEGER PRIMARY KEY,
	sku TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	category TEXT,
	price INTEGER NOT NULL DEFAULT 0,
	cost INTEGER,               -- NULL when the shop does not say
	currency TEXT NOT NULL DEFAULT 'USD',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE orders (
	id INTEGER PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	customer_id INTEGER REFERENCES customers(id),  -- NULL: guest order
	channel TEXT NOT NULL DEFAULT 'web',
	status TEXT NOT NULL DEFAULT 'completed',
	placed_at INTEGER NOT NULL,
	currency TEXT NOT NULL,
	subtotal INTEGER NOT NULL DEFAULT 0,
	discount INTEGER NOT NULL DEFAULT 0,
	shipping INTEGER NOT NULL DEFAULT 0,
	tax INTEGER NOT NULL DEFAULT 0,
	total INTEGER NOT NULL DEFAULT 0,
	cogs INTEGER,               -- cost of the goods: NULL when costs are unknown
	item_count INTEGER NOT NULL DEFAULT 0,  -- units over all lines
	guest_email TEXT,
	attributes TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_id, placed_at);
CREATE INDEX orders_placed ON orders(placed_at);

-- Clustered by order: the 360 view and re-imports read an order's lines.
CREATE TABLE order_items (
	order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
	line_no INTEGER NOT NULL,
	product_id INTEGER REFERENCES products(id),
	qty INTEGER NOT NULL,
	unit_price INTEGER NOT NULL,
	unit_cost INTEGER,
	PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;

-- Cancellations, returns and refunds: never revenue, always against the
-- customer when known. amount is positive minor units given back.
CREATE TABLE returns (
	id INTEGER PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL DEFAULT 'return'
		CHECK (kind IN ('return', 'cancellation', 'refund')),
	order_id INTEGER REFERENCES orders(id),
	customer_id INTEGER REFERENCES customers(id),
	product_id INTEGER REFERENCES products(id),
	qty INTEGER NOT NULL DEFAULT 0,
	amount INTEGER NOT NULL,
	currency TEXT NOT NULL,
	reason TEXT,
	returned_at INTEGER NOT NULL
);
CREATE INDEX returns_customer ON returns(customer_id, returned_at);
CREATE INDEX returns_order ON returns(order_id) WHERE order_id IS NOT NULL;

CREATE TABLE interactions (
	id INTEGER PRIMARY KEY,
	external_id TEXT UNIQUE,
	customer_id INTEGER REFERENCES customers(id),
	channel TEXT NOT NULL
		CHECK (channel IN ('web', 'email', 'chat', 'phone', 'store', 'social')),
	direction TEXT NOT NULL DEFAULT 'inbound'
		CHECK (direction IN ('inbound', 'outbound')),
	kind TEXT NOT NULL DEFAULT 'message',  -- visit, message, call, review ...
	agent TEXT,
	occurred_at INTEGER NOT NULL,
	subject TEXT,
	body TEXT,
	attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX interactions_customer ON interactions(customer_id, occurred_at);

-- One row per merge; `moved` lists what was re-pointed so unmerge can put
-- it back, `keep_before` the kept profile's fields before they were filled.
CREATE TABLE customer_merges (
	id INTEGER PRIMARY KEY,
	keep_id INTEGER NOT NULL REFERENCES customers(id),
	other_id INTEGER NOT NULL REFERENCES customers(id),
	merged_at INTEGER NOT NULL,
	merged_by TEXT,
	moved TEXT NOT NULL,
	keep_before TEXT NOT NULL,
	undone_at INTEGER
);
CREATE INDEX customer_merges_other ON customer_merges(other_id);
