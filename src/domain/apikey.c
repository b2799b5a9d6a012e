/* apikey.c: API keys, stored hashed (see apikey.h). */
#include "domain/apikey.h"
#include "domain/session.h"

status apikey_create(store *st, const char *name, user_role role, const char *created_by,
		     int64_t now, char key[APIKEY_SIZE], int64_t *id, err *e)
{
	char token[SESSION_TOKEN_SIZE], hash[SESSION_HASH_SIZE];
	stmt *s;
	status rc;

	if ((unsigned)role >= ROLE__COUNT)
		return err_set(e, E_INVAL, "role: unknown role");
	if (name && strlen(name) > 100)
		return err_set(e, E_INVAL, "name: at most 100 characters");
	session_token_new(token);
	snprintf(key, APIKEY_SIZE, "ecrm_%s", token);
	session_token_hash(key, hash);
	if ((rc = store_prepare(st,
				"INSERT INTO api_keys (name, role, prefix, key_hash, created_by, "
				"created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
				&s, e)))
		return rc;
	stmt_bind_text(s, 1, name ? name : "");
	stmt_bind_text(s, 2, user_role_name(role));
	stmt_bind_textn(s, 3, key, APIKEY_PREFIX_LEN);
	stmt_bind_text(s, 4, hash);
	stmt_bind_text(s, 5, created_by);
	stmt_bind_int64(s, 6, now);
	if (stmt_row(s, e)) {
		if (id)
			*id = stmt_int64(s, 0);
		rc = E_OK;
	} else {
		rc = e->code ? e->code : err_set(e, E_INTERNAL, "insert returned no id");
	}
	stmt_done(s);
	return rc;
}

#define APIKEY_COLUMNS "id, name, role, prefix, created_by, created_at, revoked_at"

static void read_key(stmt *s, arena *a, apikey *k)
{
	k->id = stmt_int64(s, 0);
	k->name = arena_strdup(a, stmt_text(s, 1));
	if (!user_role_parse(stmt_text(s, 2), &k->role))
		k->role = ROLE_VIEWER;
	k->prefix = arena_strdup(a, stmt_text(s, 3));
	k->created_by = arena_strdup(a, stmt_text(s, 4));
	k->created_at = stmt_int64(s, 5);
	k->revoked_at = stmt_null(s, 6) ? 0 : stmt_int64(s, 6);
}

status apikey_lookup(store *st, arena *a, const char *key, apikey *out, err *e)
{
	char hash[SESSION_HASH_SIZE];
	stmt *s;
	status rc;

	session_token_hash(key, hash);
	if ((rc = store_prepare(st,
				"SELECT " APIKEY_COLUMNS " FROM api_keys "
				"WHERE key_hash = $1 AND revoked_at IS NULL",
				&s, e)))
		return rc;
	stmt_bind_text(s, 1, hash);
	if (stmt_row(s, e)) {
		read_key(s, a, out);
		rc = E_OK;
	} else {
		rc = e->code ? e->code : err_set(e, E_AUTH, "the API key is unknown or revoked");
	}
	stmt_done(s);
	return rc;
}

status apikey_list(store *st, arena *a, apikey **out, size_t *n, err *e)
{
	size_t cap = 16, count = 0;
	apikey *v = arena_alloc(a, cap * sizeof(*v));
	stmt *s;
	status rc;

	if ((rc = store_prepare(st, "SELECT " APIKEY_COLUMNS " FROM api_keys ORDER BY id", &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		if (count == cap) {
			apikey *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		read_key(s, a, &v[count++]);
	}
	rc = e->code;
	stmt_done(s);
	*out = v;
	*n = count;
	return rc;
}

status apikey_revoke(store *st, int64_t id, int64_t now, err *e)
{
	stmt *s;
	status rc;

	if ((rc = store_prepare(st,
				"UPDATE api_keys SET revoked_at = $2 WHERE id = $1 "
				"AND revoked_at IS NULL",
				&s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, now);
	rc = stmt_exec(s, e);
	stmt_done(s);
	if (rc == E_OK && store_changes(st) == 0)
		rc = err_set(e, E_NOTFOUND, "no working API key with id %" PRId64, id);
	return rc;
}
