/* apikeys.c: /api/apikeys: list, create (the key is shown once), revoke. */
#include "http/handlers/handlers.h"
#include "domain/apikey.h"
#include "http/auth.h"

#include <time.h>

static json_t *key_json(const apikey *k)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)k->id, "name",
			      k->name, "role", user_role_name(k->role), "prefix", k->prefix,
			      "created_by", k->created_by, "created_at", (json_int_t)k->created_at);

	if (o)
		json_object_set_new(o, "revoked_at",
				    k->revoked_at ? json_integer(k->revoked_at) : json_null());
	return o;
}

status h_apikeys_list(http_req *r, err *e)
{
	json_t *arr = json_array();
	apikey *v;
	size_t n;
	status rc;

	if ((rc = apikey_list(r->st, r->arena, &v, &n, e))) {
		json_decref(arr);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, key_json(&v[i]));
	http_reply_json(r, 200, json_pack("{s:o}", "api_keys", arr));
	return E_OK;
}

status h_apikeys_create(http_req *r, err *e)
{
	static const char *const keys[] = {"name", "role", NULL};
	const char *name, *role_s;
	char key[APIKEY_SIZE];
	int64_t id;
	user_role role;
	json_t *body, *d;
	apikey k;
	status rc;

	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_str(r, body, "name", false, &name, e)) ||
	    (rc = http_json_str(r, body, "role", true, &role_s, e)))
		return rc;
	if ((rc = user_role_read("role", role_s, &role, e)))
		return rc;
	if ((rc = apikey_create(r->st, name, role, http_actor(r), (int64_t)time(NULL), key, &id,
				e)) ||
	    (rc = apikey_lookup(r->st, r->arena, key, &k, e)))
		return rc;
	d = json_pack("{s:s, s:s?}", "role", user_role_name(role), "name", name);
	http_audit(r, "apikey.create", arena_printf(r->arena, "apikey:%" PRId64, id),
		   json_to_arena(r->arena, d, NULL));
	json_decref(d);
	http_add_header(r, "Location", arena_printf(r->arena, "/api/apikeys/%" PRId64, id));
	http_reply_json(r, 201, json_pack("{s:o, s:s}", "api_key", key_json(&k), "key", key));
	return E_OK;
}

status h_apikey_revoke(http_req *r, err *e)
{
	int64_t id;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) ||
	    (rc = apikey_revoke(r->st, id, (int64_t)time(NULL), e)))
		return rc;
	http_auth_forget_key(r, id);
	http_audit(r, "apikey.revoke", arena_printf(r->arena, "apikey:%" PRId64, id), NULL);
	http_reply_empty(r, 204);
	return E_OK;
}
