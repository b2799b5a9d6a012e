/* session.c: POST /api/login, POST /api/logout, GET /api/me. */
#include "http/handlers/handlers.h"
#include "domain/audit.h"
#include "domain/session.h"
#include "http/auth.h"
#include "http/server.h"

#include <time.h>

static json_t *who_json(const http_identity *who)
{
	return json_pack("{s:I, s:s?, s:s, s:s, s:b, s:s}", "id", (json_int_t)who->id, "email",
			 who->email, "name", who->name, "role", user_role_name(who->role),
			 "personal_data", user_role_sees_personal_data(who->role), "auth",
			 who->kind == HTTP_WHO_SESSION ? "session" : "apikey");
}

/* Reads both throttle subjects; the longer wait wins. */
static status throttle_wait(http_req *r, const char *acct, const char *addr, int64_t now,
			    int64_t *wait, const char **which, err *e)
{
	session_throttle_state a, b;
	int64_t wa, wb;
	status rc;

	if ((rc = store_begin_read(r->st, e)))
		return rc;
	if ((rc = session_throttle_load(r->st, acct, &a, e)) ||
	    (rc = session_throttle_load(r->st, addr, &b, e))) {
		store_rollback(r->st);
		return rc;
	}
	if ((rc = store_commit(r->st, e)))
		return rc;
	wa = session_throttle_wait(&a, now);
	wb = session_throttle_wait(&b, now);
	*wait = wa > wb ? wa : wb;
	*which = wa >= wb ? "this account" : "this address";
	return E_OK;
}

/* Counts a failed login against both subjects, with an audit entry, in one
 * write transaction. */
static status count_failure(http_req *r, const char *acct, const char *addr, const char *email,
			    int64_t now, err *e)
{
	const http_settings *set = r->ctx->settings;
	session_throttle_state a, b;
	json_t *d = json_pack("{s:s}", "email", email);
	audit_entry en = {.at = now,
			  .actor = "anonymous",
			  .action = "session.login_failed",
			  .target = arena_printf(r->arena, "account:%s", email),
			  .address = r->client,
			  .detail = json_to_arena(r->arena, d, NULL)};
	status rc;

	json_decref(d);
	if ((rc = store_begin(r->st, e)))
		return rc;
	if ((rc = session_throttle_load(r->st, acct, &a, e)) ||
	    (rc = session_throttle_load(r->st, addr, &b, e)))
		goto out;
	session_throttle_fail(&a, &set->account_throttle, now);
	session_throttle_fail(&b, &set->address_throttle, now);
	if ((rc = session_throttle_save(r->st, acct, &a, e)) ||
	    (rc = session_throttle_save(r->st, addr, &b, e)) || (rc = audit_record(r->st, &en, e)))
		goto out;
out:
	if (rc) {
		store_rollback(r->st);
		return rc;
	}
	return store_commit(r->st, e);
}

static status start_session(http_req *r, const user *u, const char *acct, int64_t now,
			    char token[SESSION_TOKEN_SIZE], char csrf[SESSION_TOKEN_SIZE], err *e)
{
	audit_entry en = {.at = now,
			  .action = "session.login",
			  .actor = arena_printf(r->arena, "user:%" PRId64, u->id),
			  .target = arena_printf(r->arena, "user:%" PRId64, u->id),
			  .address = r->client};
	status rc;

	if ((rc = store_begin(r->st, e)))
		return rc;
	/* Expired sessions go at each sign-in: an indexed delete, no timer. */
	if ((rc = session_purge(r->st, now, NULL, e)) ||
	    (rc = session_throttle_clear(r->st, acct, e)) ||
	    (rc = session_create(r->st, u->id, now, r->ctx->settings->session_ttl, r->client,
				 http_header(r, "User-Agent"), token, csrf, e)) ||
	    (rc = audit_record(r->st, &en, e))) {
		store_rollback(r->st);
		return rc;
	}
	return store_commit(r->st, e);
}

/* Runs in no transaction (HTTP_OWN_TXN): the argon2id check takes about
 * 140 ms and must not hold the write lock. */
status h_login(http_req *r, err *e)
{
	static const char *const keys[] = {"email", "password", NULL};
	char norm[USER_EMAIL_MAX + 1], token[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	const char *email, *password, *hash = NULL, *which, *acct, *addr;
	int64_t now = (int64_t)time(NULL), wait;
	bool found, ok;
	json_t *body;
	user u;
	status rc;

	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_str(r, body, "email", true, &email, e)) ||
	    (rc = http_json_str(r, body, "password", true, &password, e)))
		return rc;
	if ((rc = user_normalize_email(email, norm, e)))
		return http_bad_request(r, e, "email", "%s", e->msg);
	acct = arena_printf(r->arena, "account:%s", norm);
	addr = arena_printf(r->arena, "address:%s", r->client);
	if ((rc = throttle_wait(r, acct, addr, now, &wait, &which, e)))
		return rc;
	if (wait > 0) {
		http_add_header(r, "Retry-After", arena_printf(r->arena, "%" PRId64, wait));
		r->err_code = "too_many_requests";
		return err_set(e, E_BUSY,
			       "too many failed sign-ins from %s: try again in %" PRId64 " seconds",
			       which, wait);
	}
	rc = user_find_email(r->st, r->arena, norm, &u, &hash, e);
	if (rc && rc != E_NOTFOUND)
		return rc;
	found = rc == E_OK;
	/* Same work whether or not the account exists. */
	ok = user_password_matches(found ? hash : r->ctx->dummy_hash, password);
	if (!found || !ok || u.disabled) {
		if ((rc = count_failure(r, acct, addr, norm, now, e)))
			return rc;
		return err_set(e, E_AUTH, "wrong e-mail or password%s",
			       found && ok ? " (or the account is disabled)" : "");
	}
	if ((rc = start_session(r, &u, acct, now, token, csrf, e)))
		return rc;
	http_add_header(r, "Set-Cookie", http_auth_cookie(r, token, r->ctx->settings->session_ttl));
	http_reply_json(r, 200,
			json_pack("{s:{s:I, s:s, s:s, s:s, s:b}, s:s, s:I}", "user", "id",
				  (json_int_t)u.id, "email", u.email, "name", u.name, "role",
				  user_role_name(u.role), "personal_data",
				  user_role_sees_personal_data(u.role), "csrf_token", csrf,
				  "expires_at", (json_int_t)(now + r->ctx->settings->session_ttl)));
	return E_OK;
}

status h_logout(http_req *r, err *e)
{
	status rc;

	if (r->who->kind != HTTP_WHO_SESSION)
		return http_bad_request(r, e, NULL,
					"logout ends a browser session; an API key is revoked with "
					"`ecrm apikey revoke ID`");
	if ((rc = session_delete(r->st, r->who->token, e)))
		return rc;
	http_auth_forget_session(r, r->who->token);
	http_audit(r, "session.logout", r->who->actor, NULL);
	http_add_header(r, "Set-Cookie", http_auth_cookie(r, "", 0));
	http_reply_empty(r, 204);
	return E_OK;
}

status h_me(http_req *r, err *e)
{
	json_t *out = json_object();

	(void)e;
	json_object_set_new(out, "user", who_json(r->who));
	if (r->who->kind == HTTP_WHO_SESSION) {
		json_object_set_new(out, "csrf_token", json_string(r->who->csrf));
		json_object_set_new(out, "expires_at", json_integer(r->who->expires_at));
	}
	http_reply_json(r, 200, out);
	return E_OK;
}
