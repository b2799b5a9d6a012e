-- 008_settings: settings kept in the database, so that every ecrm server on
-- it agrees: each user's language, and the webhook secrets an admin sets in
-- the web UI (which take precedence over [webhooks] in ecrm.conf).

-- The UI language the user last chose ("en", "zh-CN"); NULL: never chosen.
ALTER TABLE users ADD COLUMN locale TEXT;

-- One row per webhook endpoint ('orders': X-Ecrm-Signature, 'shopify':
-- X-Shopify-Hmac-Sha256). The secret is sealed with the personal-data key
-- (domain/pii.h); last4 lets an admin tell secrets apart without it.
CREATE TABLE webhook_secrets (
	name TEXT PRIMARY KEY,
	secret TEXT NOT NULL,
	last4 TEXT NOT NULL,
	updated_by TEXT NOT NULL,            -- the audit actor: 'user:3', 'apikey:2'
	updated_at BIGINT NOT NULL
);
