/* session.c: sessions, tokens and login throttling (see session.h). */
#include "domain/session.h"
#include "domain/domain.h"

#include <sodium.h>

void session_token_new(char out[SESSION_TOKEN_SIZE])
{
	unsigned char raw[32];

	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_SIZE, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void session_token_hash(const char *token, char out[SESSION_HASH_SIZE])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, SESSION_HASH_SIZE, h, sizeof(h));
}

status session_create(store *st, int64_t user_id, int64_t now, int64_t ttl, const char *address,
		      const char *user_agent, char token[SESSION_TOKEN_SIZE],
		      char csrf[SESSION_TOKEN_SIZE], err *e)
{
	char hash[SESSION_HASH_SIZE];
	stmt *s;
	status rc;

	session_token_new(token);
	session_token_new(csrf);
	session_token_hash(token, hash);
	if ((rc = store_prepare(
		     st,
		     "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
		     "expires_at, address, user_agent) VALUES ($1, $2, $3, $4, $5, $6, "
		     "$7)",
		     &s, e)))
		return rc;
	stmt_bind_text(s, 1, hash);
	stmt_bind_int64(s, 2, user_id);
	stmt_bind_text(s, 3, csrf);
	stmt_bind_int64(s, 4, now);
	stmt_bind_int64(s, 5, now + ttl);
	stmt_bind_text(s, 6, address);
	/* A user agent is for the user's own list of sessions: cap it. */
	stmt_bind_textn(s, 7, user_agent, user_agent ? strnlen(user_agent, 200) : 0);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

status session_lookup(store *st, arena *a, const char *token, int64_t now, session *out, err *e)
{
	char hash[SESSION_HASH_SIZE];
	stmt *s;
	status rc;

	session_token_hash(token, hash);
	if ((rc = store_prepare(st,
				"SELECT s.id, s.user_id, u.email, u.name, u.role, s.csrf_token, "
				"s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
				"WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
				&s, e)))
		return rc;
	stmt_bind_text(s, 1, hash);
	stmt_bind_int64(s, 2, now);
	if (stmt_row(s, e)) {
		out->id = stmt_int64(s, 0);
		out->user_id = stmt_int64(s, 1);
		out->email = arena_strdup(a, stmt_text(s, 2));
		out->name = arena_strdup(a, stmt_text(s, 3));
		if (!user_role_parse(stmt_text(s, 4), &out->role))
			out->role = ROLE_VIEWER;
		out->csrf = arena_strdup(a, stmt_text(s, 5));
		out->expires_at = stmt_int64(s, 6);
		rc = E_OK;
	} else {
		rc = e->code ? e->code
			     : err_set(e, E_AUTH,
				       "the session has expired or ended: sign in again");
	}
	stmt_done(s);
	return rc;
}

status session_delete(store *st, const char *token, err *e)
{
	char hash[SESSION_HASH_SIZE];

	session_token_hash(token, hash);
	return domain_exec_text(st, "DELETE FROM sessions WHERE token_hash = $1", hash, e);
}

status session_revoke_user(store *st, int64_t user_id, err *e)
{
	return domain_exec_int(st, "DELETE FROM sessions WHERE user_id = $1", user_id, e);
}

status session_purge(store *st, int64_t now, int64_t *purged, err *e)
{
	status rc = domain_exec_int(st, "DELETE FROM sessions WHERE expires_at <= $1", now, e);

	if (rc == E_OK && purged)
		*purged = store_changes(st);
	return rc;
}

status session_counts(store *st, int64_t *users, int64_t *sessions, int64_t *keys, err *e)
{
	status rc;

	if ((rc = store_query_int64(st, "SELECT COUNT(*) FROM users WHERE disabled = 0", users, e,
				    0)) ||
	    (rc = store_query_int64(st, "SELECT COUNT(*) FROM sessions", sessions, e, 0)))
		return rc;
	return store_query_int64(st, "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL",
				 keys, e, 0);
}

int64_t session_throttle_wait(const session_throttle_state *s, int64_t now)
{
	return s->locked_until > now ? s->locked_until - now : 0;
}

bool session_throttle_fail(session_throttle_state *s, const session_throttle_policy *p, int64_t now)
{
	int64_t len = p->lockout;

	/* A long quiet spell after the last lockout forgives earlier ones. */
	if (s->lockouts > 0 && s->locked_until > 0 && now - s->locked_until >= p->max_lockout)
		s->lockouts = 0;
	if (s->failures == 0 || now - s->window_start >= p->window) {
		s->failures = 0;
		s->window_start = now;
	}
	if (++s->failures < p->max_failures)
		return false;
	for (int64_t i = 0; i < s->lockouts && len < p->max_lockout; i++)
		len *= 2;
	if (len > p->max_lockout)
		len = p->max_lockout;
	s->locked_until = now + len;
	s->lockouts++;
	s->failures = 0;
	s->window_start = now;
	return true;
}

status session_throttle_load(store *st, const char *subject, session_throttle_state *out, err *e)
{
	stmt *s;
	status rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st,
				"SELECT failures, window_start, locked_until, lockouts "
				"FROM login_throttle WHERE subject = $1",
				&s, e)))
		return rc;
	stmt_bind_text(s, 1, subject);
	if (stmt_row(s, e)) {
		out->failures = stmt_int64(s, 0);
		out->window_start = stmt_int64(s, 1);
		out->locked_until = stmt_int64(s, 2);
		out->lockouts = stmt_int64(s, 3);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status session_throttle_save(store *st, const char *subject, const session_throttle_state *t,
			     err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_prepare(
		     st,
		     "INSERT INTO login_throttle (subject, failures, window_start, "
		     "locked_until, lockouts) VALUES ($1, $2, $3, $4, $5) "
		     "ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, "
		     "window_start = excluded.window_start, "
		     "locked_until = excluded.locked_until, lockouts = excluded.lockouts",
		     &s, e)))
		return rc;
	stmt_bind_text(s, 1, subject);
	stmt_bind_int64(s, 2, t->failures);
	stmt_bind_int64(s, 3, t->window_start);
	stmt_bind_int64(s, 4, t->locked_until);
	stmt_bind_int64(s, 5, t->lockouts);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

status session_throttle_clear(store *st, const char *subject, err *e)
{
	return domain_exec_text(st, "DELETE FROM login_throttle WHERE subject = $1", subject, e);
}
