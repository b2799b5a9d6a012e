-- 010_auth_generation: one counter that every change taking a credential
-- away or changing what it grants moves on (see sqlite/008): a server's
-- identity cache compares it, read in the request's own snapshot, with the
-- value it had when the entry was looked up, so several servers on this
-- database agree at once. Row triggers (a DELETE of no rows bumps nothing);
-- ENABLE ALWAYS so that bulk sessions (session_replication_role = replica)
-- bump it too.
CREATE TABLE auth_generation (
	id integer PRIMARY KEY CHECK (id = 1),
	n bigint NOT NULL
);
INSERT INTO auth_generation (id, n) VALUES (1, 0);

CREATE FUNCTION auth_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE auth_generation SET n = n + 1 WHERE id = 1;
	RETURN NULL;
END
$$;

CREATE TRIGGER auth_generation_sessions AFTER DELETE
	OR UPDATE OF token_hash, user_id, csrf_token, expires_at ON sessions
	FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_users AFTER DELETE
	OR UPDATE OF email, name, role, password_hash, disabled ON users
	FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_api_keys AFTER DELETE
	OR UPDATE OF name, role, key_hash, revoked_at ON api_keys
	FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
ALTER TABLE sessions ENABLE ALWAYS TRIGGER auth_generation_sessions;
ALTER TABLE users ENABLE ALWAYS TRIGGER auth_generation_users;
ALTER TABLE api_keys ENABLE ALWAYS TRIGGER auth_generation_api_keys;
