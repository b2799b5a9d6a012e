-- 002_auth: who may use ecrm (users, browser sessions, API keys), login
-- throttling counters shared by every server on the database, and the
-- append-only, hash-chained audit log. Times are Unix seconds, UTC.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,          -- trimmed, lower-case
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL
		CHECK (role IN ('viewer', 'analyst', 'marketer', 'agent', 'manager', 'admin')),
	password_hash TEXT NOT NULL,         -- argon2id string (libsodium crypto_pwhash_str)
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- The browser's cookie holds a random token; only its BLAKE2b hash is kept,
-- so a copy of the database does not hand out live sessions.
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,            -- echoed by the client in X-CSRF-Token
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	address TEXT,
	user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Keys for integrations: shown once at creation, stored hashed.
CREATE TABLE api_keys (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL
		CHECK (role IN ('viewer', 'analyst', 'marketer', 'agent', 'manager', 'admin')),
	prefix TEXT NOT NULL,                -- the first characters, to recognise a key
	key_hash TEXT NOT NULL UNIQUE,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);

-- One row per throttled subject: 'account:EMAIL' or 'address:IP'.
CREATE TABLE login_throttle (
	subject TEXT PRIMARY KEY,
	failures INTEGER NOT NULL DEFAULT 0, -- failed logins in the current window
	window_start INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0,
	lockouts INTEGER NOT NULL DEFAULT 0  -- lockouts so far: each doubles the next
);

-- hash = BLAKE2b-256(prev_hash || canonical content); see domain/audit.c.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,                 -- 'user:3', 'apikey:2', 'cli:root', 'anonymous'
	action TEXT NOT NULL,                -- 'user.create', 'customer.read' ...
	target TEXT NOT NULL DEFAULT '',     -- 'customer:42'
	address TEXT NOT NULL DEFAULT '',    -- client address, or 'cli'
	detail TEXT NOT NULL DEFAULT '',     -- JSON, may be empty
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log(target, at);

-- Append-only through ecrm: the hash chain catches whoever goes around this.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
