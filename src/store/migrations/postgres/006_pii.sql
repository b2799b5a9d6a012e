-- 006_pii (PostgreSQL; the schema of sqlite/006_pii.sql): personal data
-- sealed at rest (see src/domain/pii.h). Exact lookups by email and phone
-- go through keyed blind indexes; the plain indexes go. pii_state records which key the database was written with
-- and whether old plain-text rows have been sealed (done in code at the
-- first open with a key, since SQL cannot encrypt).
ALTER TABLE customers ADD COLUMN email_bidx TEXT;
ALTER TABLE customers ADD COLUMN phone_bidx TEXT;
DROP INDEX customers_email;
DROP INDEX customers_phone;
CREATE INDEX customers_email_bidx ON customers(email_bidx) WHERE email_bidx IS NOT NULL;
CREATE INDEX customers_phone_bidx ON customers(phone_bidx) WHERE phone_bidx IS NOT NULL;

CREATE TABLE pii_state (
	id BIGINT PRIMARY KEY CHECK (id = 1),
	key_check TEXT NOT NULL,    -- blind index of a constant under the key
	sealed BIGINT NOT NULL DEFAULT 0
);
