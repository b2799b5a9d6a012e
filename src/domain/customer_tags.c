/* customer_tags.c: tags of many customers at once (see customer_tags.h).
 * The customer_tags rows follow through the triggers on customers.tags
 * (migrations 004 and 007), as for a single update. */
#include "domain/customer_tags.h"
#include "core/json.h"
#include "core/xalloc.h"

static int by_id(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

static bool in_list(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, v[i]) == 0)
			return true;
	}
	return false;
}

static status check_tags(const char *what, const char *const *v, size_t n, err *e)
{
	if (n > CUSTOMER_TAGS_MAX)
		return err_set(e, E_INVAL, "%s: at most %d tags", what, CUSTOMER_TAGS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!v[i] || !*v[i])
			return err_set(e, E_INVAL, "%s: a tag is empty", what);
		if (strlen(v[i]) > CUSTOMER_TAG_MAX_BYTES)
			return err_set(e, E_INVAL, "%s: tag '%.20s...' is longer than %d bytes",
				       what, v[i], CUSTOMER_TAG_MAX_BYTES);
	}
	return E_OK;
}

/* The new tags of one customer from its stored `tags` (JSON array; other
 * element types are kept as they are); NULL when nothing changes. */
static char *new_tags(const char *tags, const char *const *add, size_t nadd,
		      const char *const *remove, size_t nremove, arena *a)
{
	json_t *old = json_loads(tags ? tags : "[]", 0, NULL), *out = json_array(), *it;
	bool changed = false;
	char *text = NULL;
	size_t i;

	if (!json_is_array(old)) { /* unreadable: start again, as an update would */
		json_decref(old);
		old = json_array();
		changed = true;
	}
	json_array_foreach(old, i, it)
	{
		if (json_is_string(it) && in_list(json_string_value(it), remove, nremove))
			changed = true;
		else
			json_array_append(out, it);
	}
	for (size_t k = 0; k < nadd; k++) {
		bool there = false;
		json_array_foreach(out, i, it) there |=
			json_is_string(it) && strcmp(json_string_value(it), add[k]) == 0;
		if (!there) {
			json_array_append_new(out, json_string(add[k]));
			changed = true;
		}
	}
	if (changed)
		text = json_to_arena(a, out, NULL);
	json_decref(old);
	json_decref(out);
	return text;
}

status customer_tags_apply(store *st, const int64_t *ids, size_t n, const char *const *add,
			   size_t nadd, const char *const *remove, size_t nremove, int64_t now,
			   arena *a, int64_t **changed, size_t *nchanged, err *e)
{
	static const char *const load_sql =
		"SELECT tags, merged_into, COALESCE(erased_at, 0) FROM customers WHERE id = $1";
	static const char *const save_sql =
		"UPDATE customers SET tags = $1, updated_at = $2 WHERE id = $3";
	int64_t *v = NULL;
	size_t nv = 0;
	status rc;
	stmt *s = NULL;

	*changed = arena_alloc(a, (n ? n : 1) * sizeof(**changed));
	*nchanged = 0;
	if (n > CUSTOMER_TAGS_MAX_IDS)
		return err_set(e, E_INVAL, "ids: at most %d customers at once",
			       CUSTOMER_TAGS_MAX_IDS);
	if ((rc = check_tags("add", add, nadd, e)) ||
	    (rc = check_tags("remove", remove, nremove, e)))
		return rc;
	for (size_t i = 0; i < nadd; i++) {
		if (in_list(add[i], remove, nremove))
			return err_set(e, E_INVAL, "add: '%s' is also in remove", add[i]);
	}
	if (n == 0)
		return E_OK;
	/* Ascending and once each: rows are locked and audited in one order. */
	v = xmalloc(n * sizeof(*v));
	memcpy(v, ids, n * sizeof(*v));
	qsort(v, n, sizeof(*v), by_id);
	for (size_t i = 0; i < n; i++) {
		if (!nv || v[nv - 1] != v[i])
			v[nv++] = v[i];
	}
	if ((rc = store_begin(st, e)))
		goto out;
	for (size_t i = 0; i < nv; i++) {
		const char *tags;
		char *next;
		bool merged, erased;

		if ((rc = store_prepare(st, load_sql, &s, e)))
			goto fail;
		stmt_bind_int64(s, 1, v[i]);
		if (!stmt_row(s, e)) {
			rc = e->code ? e->code
				     : err_set(e, E_NOTFOUND, "no customer %" PRId64, v[i]);
			goto fail;
		}
		tags = domain_col_str(s, 0, a);
		merged = !stmt_null(s, 1);
		erased = stmt_int64(s, 2) != 0;
		stmt_done(s);
		s = NULL;
		if (erased) {
			rc = err_set(e, E_CONFLICT, "customer %" PRId64 " was erased", v[i]);
			goto fail;
		}
		if (merged) {
			rc = err_set(e, E_CONFLICT,
				     "customer %" PRId64 " is merged into another: tag that one",
				     v[i]);
			goto fail;
		}
		if (!(next = new_tags(tags, add, nadd, remove, nremove, a)))
			continue;
		if ((rc = store_prepare(st, save_sql, &s, e)))
			goto fail;
		stmt_bind_text(s, 1, next);
		stmt_bind_int64(s, 2, now);
		stmt_bind_int64(s, 3, v[i]);
		rc = stmt_exec(s, e);
		stmt_done(s);
		s = NULL;
		if (rc)
			goto fail;
		(*changed)[(*nchanged)++] = v[i];
	}
fail:
	stmt_done(s);
	if ((rc = store_end(st, rc, e)))
		*nchanged = 0;
out:
	free(v);
	return rc;
}
