-- 005_recommend: basket rules, recommendations per customer and similar
-- products. Derived data, rewritten whole by `ecrm analyze basket` and
-- `ecrm analyze recommend`: no foreign keys (as customer_scores), so a
-- rewrite costs no lookups; a product or customer that is gone is skipped
-- when read.

-- Rules X => Y in the order of `ecrm analyze basket` (descending lift, then
-- confidence, support, fewer items): id order is lift order.
CREATE TABLE association_rules (
	id INTEGER PRIMARY KEY,
	antecedent TEXT NOT NULL,            -- X: JSON array of product ids, ascending ('[]': {} => Y)
	consequent TEXT NOT NULL,            -- Y: JSON array of product ids, ascending
	antecedent_size INTEGER NOT NULL,
	consequent_size INTEGER NOT NULL,
	support REAL NOT NULL,               -- baskets holding X and Y / baskets
	confidence REAL NOT NULL,            -- baskets holding X and Y / baskets holding X
	lift REAL NOT NULL,                  -- confidence / support of Y
	count INTEGER NOT NULL,              -- baskets holding X and Y
	basis TEXT NOT NULL CHECK (basis IN ('order', 'customer')),  -- what a basket was
	computed_at INTEGER NOT NULL
);

-- The products of each rule, to find the rules about one product.
CREATE TABLE association_rule_items (
	product_id INTEGER NOT NULL,
	side TEXT NOT NULL CHECK (side IN ('antecedent', 'consequent')),
	rule_id INTEGER NOT NULL,
	PRIMARY KEY (product_id, side, rule_id)
) WITHOUT ROWID;

-- Top-N products per customer, none of which the customer has bought.
-- reason: 'rule' (reason_products were bought, and a rule reason_products =>
-- product holds with confidence reason_value and lift reason_lift),
-- 'similar' (the customer bought reason_products[0], whose cosine
-- similarity to product is reason_value), 'popular' (neither applies).
CREATE TABLE recommendations (
	customer_id INTEGER NOT NULL,
	rank INTEGER NOT NULL,               -- 1 = best
	product_id INTEGER NOT NULL,
	score REAL NOT NULL,                 -- the model's score: compare within one customer only
	model TEXT NOT NULL,                 -- itemknn, als, popular
	reason TEXT NOT NULL CHECK (reason IN ('rule', 'similar', 'popular')),
	reason_products TEXT NOT NULL DEFAULT '[]',  -- JSON array of product ids
	reason_value REAL,
	reason_lift REAL,
	computed_at INTEGER NOT NULL,
	PRIMARY KEY (customer_id, rank)
) WITHOUT ROWID;

-- Item-to-item neighbours: cosine similarity over the customers who
-- bought each product.
CREATE TABLE similar_products (
	product_id INTEGER NOT NULL,
	rank INTEGER NOT NULL,               -- 1 = most similar
	similar_id INTEGER NOT NULL,
	similarity REAL NOT NULL,            -- 0..1
	computed_at INTEGER NOT NULL,
	PRIMARY KEY (product_id, rank)
) WITHOUT ROWID;
