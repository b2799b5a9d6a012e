-- 010_auth_generation: one counter that every change taking a credential
-- away or changing what it grants moves on: a session ended, a user's
-- role, disabled flag, password, e-mail or name changed, an API key
-- revoked or changed, either deleted. A server's identity cache reads it in
-- the request's own transaction and trusts an entry only when the counter
-- still has the value it had when the entry was looked up, so a change made
-- by another server or by the command line holds at once (src/http/auth.c).
-- Triggers, not code: no writer can forget it.
CREATE TABLE auth_generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n INTEGER NOT NULL
);
INSERT INTO auth_generation (id, n) VALUES (1, 0);

CREATE TRIGGER auth_generation_sessions_delete AFTER DELETE ON sessions
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_sessions_update
AFTER UPDATE OF token_hash, user_id, csrf_token, expires_at ON sessions
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_users_update
AFTER UPDATE OF email, name, role, password_hash, disabled ON users
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_users_delete AFTER DELETE ON users
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_api_keys_update
AFTER UPDATE OF name, role, key_hash, revoked_at ON api_keys
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_api_keys_delete AFTER DELETE ON api_keys
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
END;
