/* account.c: what a signed-in user changes about themselves: PATCH /api/me
 * (the UI language, kept with the user so it follows them to any browser)
 * and POST /api/me/password (proving they know the old one). */
#include "http/handlers/handlers.h"
#include "http/auth.h"

#include <time.h>

status h_me_update(http_req *r, err *e)
{
	static const char *const keys[] = { "locale", NULL };
	const char *locale = NULL;
	json_t *body, *v, *d;
	status rc;

	if (r->who->kind != HTTP_WHO_SESSION)
		return http_bad_request(r, e, NULL,
					"an API key has no settings of its own; sign in as a user");
	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)))
		return rc;
	v = json_object_get(body, "locale");
	if (!v)
		return http_bad_request(r, e, "locale", "locale: give the language to use, or null");
	if (!json_is_null(v)) {
		if ((rc = http_json_str(r, body, "locale", true, &locale, e)))
			return rc;
		/* Only a language the UI has translations for. */
		if (!user_locale_valid(locale) ||
		    !h_web_has(arena_printf(r->arena, "i18n/%s.json", locale)))
			return h_invalid(r, e, "locale",
					 "locale: '%.40s' is not a language of this ecrm (en, zh-CN)",
					 locale);
	}
	if ((rc = user_set_locale(r->st, r->who->id, locale, (int64_t)time(NULL), e)))
		return rc;
	d = json_pack("{s:s?}", "locale", locale);
	http_audit(r, "user.locale", r->who->actor, json_to_arena(r->arena, d, NULL));
	json_decref(d);
	http_reply_json(r, 200, json_pack("{s:o}", "user", h_me_json(r->who, locale)));
	return E_OK;
}

/* HTTP_OWN_TXN: the two argon2id computations (about 140 ms each) run
 * outside any transaction. Every session of the user ends, this one too:
 * whoever held an old session loses it, and the browser signs in again. */
status h_me_password(http_req *r, err *e)
{
	static const char *const keys[] = { "old_password", "new_password", NULL };
	const char *old_pw, *new_pw, *hash = NULL;
	char new_hash[USER_HASH_SIZE];
	int64_t now = (int64_t)time(NULL);
	json_t *body;
	user u;
	status rc;

	if (r->who->kind != HTTP_WHO_SESSION || !r->who->email)
		return http_bad_request(r, e, NULL,
					"an API key has no password; sign in as a user to change "
					"yours");
	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_str(r, body, "old_password", true, &old_pw, e)) ||
	    (rc = http_json_str(r, body, "new_password", true, &new_pw, e)))
		return rc;
	if ((rc = store_begin_read(r->st, e)))
		return rc;
	rc = user_find_email(r->st, r->arena, r->who->email, &u, &hash, e);
	store_rollback(r->st);
	if (rc)
		return rc;
	if (!user_password_matches(hash, old_pw)) {
		http_error_field(r, "old_password");
		return err_set(e, E_INVAL, "old_password: that is not your current password");
	}
	if ((rc = user_check_password(new_pw, e))) {
		http_error_field(r, "new_password");
		return rc;
	}
	if (strcmp(old_pw, new_pw) == 0)
		return err_set(e, E_INVAL, "new_password: choose a password you did not use now");
	if ((rc = user_hash_password(new_pw, new_hash, e)))
		return rc;
	if ((rc = store_begin(r->st, e)))
		return rc;
	if ((rc = user_set_password_hash(r->st, u.id, new_hash, now, e))) {
		store_rollback(r->st);
		return rc;
	}
	if ((rc = store_commit(r->st, e)))
		return rc;
	http_auth_forget_user(r, u.id);
	/* Written after the change: flush_audit opens its own transaction. */
	http_audit(r, "user.password", r->who->actor, NULL);
	http_add_header(r, "Set-Cookie", http_auth_cookie(r, "", 0));
	http_reply_empty(r, 204);
	return E_OK;
}
