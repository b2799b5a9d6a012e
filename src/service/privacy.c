/* privacy.c: export and erasure of one customer's data (see privacy.h). */
#include "service/privacy.h"
#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/customer_query.h"
#include "domain/order_query.h"
#include "service/render.h"

/* Customer `id` and every record merged into it, directly or through a
 * chain of merges. */
static status merged_family(store *st, int64_t id, arena *a, int64_t **ids, size_t *n, err *e)
{
	static const char *const sql =
		"WITH RECURSIVE fam(id) AS (SELECT $1 UNION SELECT c.id FROM customers c "
		"JOIN fam ON c.merged_into = fam.id) SELECT id FROM fam ORDER BY id";
	size_t cap = 8;
	status rc;
	stmt *s;

	*ids = arena_alloc(a, cap * sizeof(**ids));
	*n = 0;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	while (stmt_row(s, e)) {
		if (*n == cap) {
			int64_t *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *ids, cap * sizeof(*bigger));
			*ids = bigger;
			cap *= 2;
		}
		(*ids)[(*n)++] = stmt_int64(s, 0);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* Statements that strip what a customer's other records say about them;
 * $1 is the customer id. */
static const char *const scrub[] = {
	"UPDATE orders SET guest_email = NULL, attributes = '{}' WHERE customer_id = $1",
	"UPDATE returns SET reason = NULL WHERE customer_id = $1",
	("UPDATE interactions SET subject = NULL, body = NULL, attributes = '{}' "
	 "WHERE customer_id = $1"),
	"UPDATE customer_merges SET keep_before = '{}' WHERE keep_id = $1 OR other_id = $1",
};

static status erase_one(store *st, int64_t id, int64_t now, arena *a, err *e)
{
	customer c, t;
	status rc;
	stmt *s;

	if ((rc = customer_load(st, id, a, &c, e)))
		return rc;
	customer_init(&t);
	t.id = c.id;
	t.name = PRIVACY_ERASED_NAME;
	t.country = c.country;
	t.source = c.source;
	t.tags = "[]";
	t.attributes = "{}";
	t.created_at = c.created_at;
	t.updated_at = now;
	t.consent_email = t.consent_sms = t.consent_profiling = 0;
	if ((rc = customer_update(st, &t, e)))
		return rc;
	if ((rc = store_prepare(st, "UPDATE customers SET erased_at = $2 WHERE id = $1", &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, now);
	rc = stmt_exec(s, e);
	stmt_done(s);
	for (size_t i = 0; i < ARRAY_SIZE(scrub) && !rc; i++) {
		if ((rc = store_prepare(st, scrub[i], &s, e)))
			return rc;
		stmt_bind_int64(s, 1, id);
		rc = stmt_exec(s, e);
		stmt_done(s);
	}
	return rc;
}

status privacy_erase(store *st, int64_t id, int64_t now, arena *a, int64_t *erased, err *e)
{
	int64_t *ids, at;
	customer c;
	size_t n;
	status rc;

	if (erased)
		*erased = 0;
	if ((rc = customer_load(st, id, a, &c, e)) || (rc = customer_erased_at(st, id, &at, e)))
		return rc;
	if (c.merged_into)
		return err_set(e, E_CONFLICT,
			       "customer %" PRId64 " is merged into %" PRId64 ": erase that one",
			       id, c.merged_into);
	if (at)
		return err_set(e, E_CONFLICT, "customer %" PRId64 " is already erased", id);
	if ((rc = merged_family(st, id, a, &ids, &n, e)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = erase_one(st, ids[i], now, a, e);
	if (rc == E_OK && erased)
		*erased = (int64_t)n;
	return rc;
}

static status export_orders(store *st, int64_t id, arena *a, json_t *arr, err *e)
{
	order_query q = {.customer_id = id, .limit = 500};
	order_line *lines;
	size_t n, nlines;
	order *rows;
	bool more = true;
	status rc = E_OK;

	while (more && !rc) {
		if ((rc = order_list(st, &q, a, &rows, &n, &more, e)) ||
		    (rc = order_lines_load(st, rows, n, a, &lines, &nlines, e)))
			return rc;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_order(&rows[i], lines, nlines, true, a));
		if (n) {
			q.after_id = rows[n - 1].id;
			q.after_placed_at = rows[n - 1].placed_at;
		}
	}
	return rc;
}

static status export_interactions(store *st, int64_t id, arena *a, json_t *arr, err *e)
{
	int64_t after_at = 0, after_id = 0;
	interaction *rows;
	bool more = true;
	size_t n;
	status rc = E_OK;

	while (more && !rc) {
		if ((rc = interaction_list(st, id, after_at, after_id, 500, a, &rows, &n, &more,
					   e)))
			return rc;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_interaction(&rows[i], true));
		if (n) {
			after_at = rows[n - 1].occurred_at;
			after_id = rows[n - 1].id;
		}
	}
	return rc;
}

static status export_merges(store *st, int64_t id, json_t *arr, err *e)
{
	static const char *const sql = "SELECT id, keep_id, other_id, merged_at, merged_by, "
				       "undone_at FROM customer_merges "
				       "WHERE keep_id = $1 OR other_id = $1 ORDER BY id";
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	while (stmt_row(s, e))
		json_array_append_new(
			arr,
			json_pack("{s:I, s:I, s:I, s:I, s:s?, s:o}", "id",
				  (json_int_t)stmt_int64(s, 0), "keep_id",
				  (json_int_t)stmt_int64(s, 1), "other_id",
				  (json_int_t)stmt_int64(s, 2), "merged_at",
				  (json_int_t)stmt_int64(s, 3), "merged_by", stmt_text(s, 4),
				  "undone_at",
				  stmt_null(s, 5) ? json_null() : json_integer(stmt_int64(s, 5))));
	rc = e->code;
	stmt_done(s);
	return rc;
}

status privacy_export(store *st, int64_t id, arena *a, json_t **out, err *e)
{
	json_t *doc = json_object(), *records = json_array(), *orders = json_array(),
	       *returns = json_array(), *interactions = json_array(), *merges = json_array();
	int64_t *ids, at;
	score_value *scores;
	size_t n, nscores;
	bool found;
	customer c;
	status rc;

	*out = NULL;
	json_object_set_new(doc, "records", records);
	json_object_set_new(doc, "orders", orders);
	json_object_set_new(doc, "returns", returns);
	json_object_set_new(doc, "interactions", interactions);
	json_object_set_new(doc, "merges", merges);
	if ((rc = customer_load(st, id, a, &c, e)) || (rc = customer_erased_at(st, id, &at, e)))
		goto out;
	json_object_set_new(doc, "customer", render_customer(&c, at, true, a));
	if ((rc = merged_family(st, id, a, &ids, &n, e)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		return_record *rets;
		size_t nrets;
		bool more;
		if (ids[i] != id) {
			customer m;
			int64_t mat;
			if ((rc = customer_load(st, ids[i], a, &m, e)) ||
			    (rc = customer_erased_at(st, ids[i], &mat, e)))
				goto out;
			json_array_append_new(records, render_customer(&m, mat, true, a));
		}
		if ((rc = export_orders(st, ids[i], a, orders, e)) ||
		    (rc = export_interactions(st, ids[i], a, interactions, e)) ||
		    (rc = export_merges(st, ids[i], merges, e)) ||
		    (rc = returns_of_customer(st, ids[i], 100000, a, &rets, &nrets, &more, e)))
			goto out;
		for (size_t k = 0; k < nrets; k++)
			json_array_append_new(returns, render_return(&rets[k], true));
	}
	if ((rc = customer_scores_load(st, id, a, &scores, &nscores, &found, e)))
		goto out;
	json_object_set_new(doc, "scores", found ? render_scores(scores, nscores) : json_null());
out:
	if (rc)
		json_decref(doc);
	else
		*out = doc;
	return rc;
}
