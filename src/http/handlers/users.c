/* users.c: /api/users: list, add, show, change (admins only). */
#include "http/handlers/handlers.h"
#include "http/auth.h"
#include "domain/audit.h"

#include <time.h>

static json_t *user_json(const user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:I, s:I}", "id", (json_int_t)u->id,
			 "email", u->email, "name", u->name, "role", user_role_name(u->role),
			 "personal_data", user_role_sees_personal_data(u->role), "disabled",
			 u->disabled, "created_at", (json_int_t)u->created_at, "updated_at",
			 (json_int_t)u->updated_at);
}

status h_users_list(http_req *r, err *e)
{
	json_t *arr = json_array();
	user *v;
	size_t n;
	status rc;

	if ((rc = user_list(r->st, r->arena, &v, &n, e))) {
		json_decref(arr);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, user_json(&v[i]));
	http_reply_json(r, 200, json_pack("{s:o}", "users", arr));
	return E_OK;
}

static status read_role(http_req *r, const json_t *body, bool required, user_role *role,
			bool *present, err *e)
{
	const char *s;
	status rc;

	*present = false;
	if ((rc = http_json_str(r, body, "role", required, &s, e)) || !s)
		return rc;
	if ((rc = user_role_read("role", s, role, e)))
		return rc;
	*present = true;
	return E_OK;
}

/* HTTP_OWN_TXN: the password is hashed before the write lock is taken. */
status h_users_create(http_req *r, err *e)
{
	static const char *const keys[] = {"email", "name", "role", "password", NULL};
	const char *email, *name, *password;
	char hash[USER_HASH_SIZE];
	int64_t id, now = (int64_t)time(NULL);
	user_role role;
	bool has_role;
	json_t *body;
	user u;
	status rc;

	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_str(r, body, "email", true, &email, e)) ||
	    (rc = http_json_str(r, body, "name", false, &name, e)) ||
	    (rc = read_role(r, body, true, &role, &has_role, e)) ||
	    (rc = http_json_str(r, body, "password", true, &password, e)) ||
	    (rc = user_check_password(password, e)) || (rc = user_hash_password(password, hash, e)))
		return rc;
	if ((rc = store_begin(r->st, e)))
		return rc;
	if ((rc = user_create(r->st, email, name, role, hash, now, &id, e)) ||
	    (rc = user_get(r->st, r->arena, id, &u, e)))
		goto out;
	{
		json_t *d = json_pack("{s:s, s:s}", "email", u.email, "role", user_role_name(role));
		audit_entry en = {.at = now,
				  .actor = http_actor(r),
				  .action = "user.create",
				  .target = arena_printf(r->arena, "user:%" PRId64, id),
				  .address = r->client,
				  .detail = json_to_arena(r->arena, d, NULL)};
		json_decref(d);
		rc = audit_record(r->st, &en, e);
	}
out:
	if (rc) {
		store_rollback(r->st);
		return rc;
	}
	if ((rc = store_commit(r->st, e)))
		return rc;
	http_add_header(r, "Location", arena_printf(r->arena, "/api/users/%" PRId64, id));
	http_reply_json(r, 201, json_pack("{s:o}", "user", user_json(&u)));
	return E_OK;
}

status h_user_get(http_req *r, err *e)
{
	int64_t id;
	user u;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = user_get(r->st, r->arena, id, &u, e)))
		return rc;
	http_reply_json(r, 200, json_pack("{s:o}", "user", user_json(&u)));
	return E_OK;
}

status h_user_update(http_req *r, err *e)
{
	static const char *const keys[] = {"role", "disabled", NULL};
	int64_t id, now = (int64_t)time(NULL);
	bool has_role, has_disabled, disabled;
	user_role role;
	json_t *body, *d;
	user u;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = http_body_json(r, &body, e)) ||
	    (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = read_role(r, body, false, &role, &has_role, e)) ||
	    (rc = http_json_bool(r, body, "disabled", false, &disabled, &has_disabled, e)))
		return rc;
	/* An admin locking themselves out leaves nobody to let them back in. */
	if (r->who->kind == HTTP_WHO_SESSION && r->who->id == id &&
	    ((has_role && role != ROLE_ADMIN) || (has_disabled && disabled)))
		return err_set(e, E_CONFLICT, "you cannot demote or disable your own account");
	if ((rc = user_get(r->st, r->arena, id, &u, e)))
		return rc;
	if (has_role && (rc = user_set_role(r->st, id, role, now, e)))
		return rc;
	if (has_disabled && (rc = user_set_disabled(r->st, id, disabled, now, e)))
		return rc;
	http_auth_forget_user(r, id);
	if ((rc = user_get(r->st, r->arena, id, &u, e)))
		return rc;
	d = json_pack("{s:s, s:b}", "role", user_role_name(u.role), "disabled", u.disabled);
	http_audit(r, "user.update", arena_printf(r->arena, "user:%" PRId64, id),
		   json_to_arena(r->arena, d, NULL));
	json_decref(d);
	http_reply_json(r, 200, json_pack("{s:o}", "user", user_json(&u)));
	return E_OK;
}
