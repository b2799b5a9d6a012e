/* merge.c: customer merge and unmerge, recorded in customer_merges. */
#include "ingest/merge.h"
#include "domain/customer.h"

#include <jansson.h>
#include <time.h>

/* The tables whose customer_id a merge re-points. */
static const struct {
	const char *name;
	const char *select_ids;
	const char *repoint;     /* $1 new owner, $2 old owner */
	const char *repoint_one; /* $1 new owner, $2 row id, $3 current owner */
} owned[] = {
	{ "orders", "SELECT id FROM orders WHERE customer_id = $1",
	  "UPDATE orders SET customer_id = $1 WHERE customer_id = $2",
	  "UPDATE orders SET customer_id = $1 WHERE id = $2 AND customer_id = $3" },
	{ "returns", "SELECT id FROM returns WHERE customer_id = $1",
	  "UPDATE returns SET customer_id = $1 WHERE customer_id = $2",
	  "UPDATE returns SET customer_id = $1 WHERE id = $2 AND customer_id = $3" },
	{ "interactions", "SELECT id FROM interactions WHERE customer_id = $1",
	  "UPDATE interactions SET customer_id = $1 WHERE customer_id = $2",
	  "UPDATE interactions SET customer_id = $1 WHERE id = $2 AND customer_id = $3" },
};

/* The profile fields a merge may fill, by name, as pointers into `c`. */
#define PROFILE_FIELDS(c)                                                                     \
	{ { "name", &(c)->name },         { "email", &(c)->email },                           \
	  { "phone", &(c)->phone },       { "gender", &(c)->gender },                         \
	  { "birth_date", &(c)->birth_date }, { "address", &(c)->address },                   \
	  { "postcode", &(c)->postcode }, { "city", &(c)->city },                             \
	  { "region", &(c)->region },     { "country", &(c)->country } }

typedef struct {
	const char *name;
	const char **value;
} profile_field;

static bool empty(const char *s)
{
	return !s || !*s;
}

/* Fills keep's empty fields from other; records {field: [before, after]}. */
static void fill_profile(customer *keep, const customer *other, json_t *filled)
{
	profile_field kf[] = PROFILE_FIELDS(keep);
	customer *o = (customer *)other;
	profile_field of[] = PROFILE_FIELDS(o);

	for (size_t i = 0; i < ARRAY_SIZE(kf); i++) {
		if (!empty(*kf[i].value) || empty(*of[i].value))
			continue;
		json_object_set_new(filled, kf[i].name,
				    json_pack("[s?s]", *kf[i].value, *of[i].value));
		*kf[i].value = *of[i].value;
	}
}

static status load_live(store *st, int64_t id, arena *a, customer *c, err *e)
{
	status rc = customer_load(st, id, a, c, e);

	if (rc == E_OK && c->merged_into)
		rc = err_set(e, E_CONFLICT, "customer %" PRId64 " is already merged into %" PRId64,
			     id, c->merged_into);
	return rc;
}

status customer_merge(store *st, int64_t keep_id, int64_t other_id, const char *by,
		      int64_t *merge_id, err *e)
{
	static const char *const record =
		"INSERT INTO customer_merges (keep_id, other_id, merged_at, merged_by, moved, "
		"keep_before) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
	json_t *moved = json_object(), *filled = json_object();
	char *moved_s = NULL, *filled_s = NULL;
	customer keep, other;
	arena a;
	status rc;
	stmt *s = NULL;

	arena_init(&a, 0);
	if (keep_id == other_id) {
		rc = err_set(e, E_CONFLICT, "cannot merge customer %" PRId64 " into itself", keep_id);
		goto out;
	}
	if ((rc = store_begin(st, e)))
		goto out;
	if ((rc = load_live(st, keep_id, &a, &keep, e)) ||
	    (rc = load_live(st, other_id, &a, &other, e)))
		goto end;
	for (size_t t = 0; t < ARRAY_SIZE(owned); t++) {
		json_t *ids = json_array();
		json_object_set_new(moved, owned[t].name, ids);
		if ((rc = store_prepare(st, owned[t].select_ids, &s, e)))
			goto end;
		stmt_bind_int64(s, 1, other_id);
		while (stmt_row(s, e))
			json_array_append_new(ids, json_integer(stmt_int64(s, 0)));
		rc = e->code;
		stmt_done(s);
		s = NULL;
		if (rc || (rc = store_prepare(st, owned[t].repoint, &s, e)))
			goto end;
		stmt_bind_int64(s, 1, keep_id);
		stmt_bind_int64(s, 2, other_id);
		rc = stmt_exec(s, e);
		stmt_done(s);
		s = NULL;
		if (rc)
			goto end;
	}
	fill_profile(&keep, &other, filled);
	if ((rc = customer_update(st, &keep, e)))
		goto end;
	if ((rc = store_query_int64(st, "UPDATE customers SET merged_into = $1 WHERE id = $2 "
					"RETURNING id",
				    &other_id, e, 2, keep_id, other_id)))
		goto end;
	moved_s = json_dumps(moved, JSON_COMPACT);
	filled_s = json_dumps(filled, JSON_COMPACT);
	if ((rc = store_prepare(st, record, &s, e)))
		goto end;
	stmt_bind_int64(s, 1, keep_id);
	stmt_bind_int64(s, 2, other_id);
	stmt_bind_int64(s, 3, (int64_t)time(NULL));
	stmt_bind_text(s, 4, by);
	stmt_bind_text(s, 5, moved_s);
	stmt_bind_text(s, 6, filled_s);
	if (stmt_row(s, e) && merge_id)
		*merge_id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	s = NULL;
end:
	rc = store_end(st, rc, e);
out:
	free(moved_s);
	free(filled_s);
	json_decref(moved);
	json_decref(filled);
	arena_release(&a);
	return rc;
}

status customer_unmerge(store *st, int64_t other_id, err *e)
{
	static const char *const latest =
		"SELECT id, keep_id, moved, keep_before FROM customer_merges "
		"WHERE other_id = $1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1";
	json_t *moved = NULL, *filled = NULL;
	int64_t merge_id = 0, keep_id = 0, dummy;
	customer keep;
	arena a;
	status rc;
	stmt *s;

	arena_init(&a, 0);
	if ((rc = store_begin(st, e)))
		goto out;
	if ((rc = store_prepare(st, latest, &s, e)))
		goto end;
	stmt_bind_int64(s, 1, other_id);
	if (stmt_row(s, e)) {
		merge_id = stmt_int64(s, 0);
		keep_id = stmt_int64(s, 1);
		moved = json_loads(stmt_text(s, 2), 0, NULL);
		filled = json_loads(stmt_text(s, 3), 0, NULL);
	}
	rc = e->code;
	stmt_done(s);
	if (rc)
		goto end;
	if (!merge_id) {
		rc = err_set(e, E_NOTFOUND, "customer %" PRId64 " is not merged into another",
			     other_id);
		goto end;
	}
	/* Rows moved by the merge go back unless re-pointed since. */
	for (size_t t = 0; t < ARRAY_SIZE(owned); t++) {
		json_t *ids = json_object_get(moved, owned[t].name), *v;
		size_t i;
		json_array_foreach(ids, i, v)
		{
			if ((rc = store_prepare(st, owned[t].repoint_one, &s, e)))
				goto end;
			stmt_bind_int64(s, 1, other_id);
			stmt_bind_int64(s, 2, json_integer_value(v));
			stmt_bind_int64(s, 3, keep_id);
			rc = stmt_exec(s, e);
			stmt_done(s);
			if (rc)
				goto end;
		}
	}
	if ((rc = customer_load(st, keep_id, &a, &keep, e)))
		goto end;
	{
		profile_field kf[] = PROFILE_FIELDS(&keep);
		for (size_t i = 0; i < ARRAY_SIZE(kf); i++) {
			json_t *pair = json_object_get(filled, kf[i].name);
			const char *after = json_string_value(json_array_get(pair, 1));
			if (pair && after && *kf[i].value && strcmp(*kf[i].value, after) == 0)
				*kf[i].value = json_string_value(json_array_get(pair, 0));
		}
	}
	if ((rc = customer_update(st, &keep, e)))
		goto end;
	if (!(rc = store_query_int64(st, "UPDATE customers SET merged_into = NULL WHERE id = $1 "
					 "RETURNING id",
				     &dummy, e, 1, other_id)))
		rc = store_query_int64(st, "UPDATE customer_merges SET undone_at = $1 WHERE id = $2 "
					   "RETURNING id",
				       &dummy, e, 2, (int64_t)time(NULL), merge_id);
end:
	rc = store_end(st, rc, e);
out:
	json_decref(moved);
	json_decref(filled);
	arena_release(&a);
	return rc;
}
