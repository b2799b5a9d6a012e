/* account.c: POST /api/me/password: a signed-in user changes their own
 * password, proving they know the old one. */
#include "http/handlers/handlers.h"
#include "http/auth.h"

#include <time.h>

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
