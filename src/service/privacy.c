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
	if ((rc = customer_load(st, id, a, &c, e)))
		return rc;
	at = c.erased_at;
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

static status export_orders(store *st, int64_t id, arena *a, json_out *w, err *e)
{
	order_query q = {.customer_id = id, .limit = 500};
	order_line *lines;
	size_t n, nlines;
	order *rows;
	bool more = true;
	status rc = E_OK;

	while (more && !rc) {
		if ((rc = order_list(st, &q, a, &rows, &n, &more, e)) ||
		    (rc = order_page_lines(st, &q, rows, n, a, &lines, &nlines, e)))
			return rc;
		for (size_t i = 0; i < n; i++)
			render_order(w, NULL, &rows[i], lines, nlines, true, a);
		if (n) {
			q.after_id = rows[n - 1].id;
			q.after_placed_at = rows[n - 1].placed_at;
		}
	}
	return rc;
}

static status export_interactions(store *st, int64_t id, arena *a, json_out *w, err *e)
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
			render_interaction(w, NULL, &rows[i], true);
		if (n) {
			after_at = rows[n - 1].occurred_at;
			after_id = rows[n - 1].id;
		}
	}
	return rc;
}

static status export_merges(store *st, int64_t id, arena *a, json_out *w, err *e)
{
	static const char *const sql = "SELECT id, keep_id, other_id, merged_at, merged_by, "
				       "undone_at FROM customer_merges "
				       "WHERE keep_id = $1 OR other_id = $1 ORDER BY id";
	status rc;
	stmt *s;

	(void)a;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	while (stmt_row(s, e)) {
		json_out_object(w, NULL);
		json_out_int(w, "id", stmt_int64(s, 0));
		json_out_int(w, "keep_id", stmt_int64(s, 1));
		json_out_int(w, "other_id", stmt_int64(s, 2));
		json_out_int(w, "merged_at", stmt_int64(s, 3));
		json_out_string(w, "merged_by", stmt_text(s, 4));
		json_out_opt_int(w, "undone_at", !stmt_null(s, 5), stmt_int64(s, 5));
		json_out_end(w);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

static status export_returns(store *st, int64_t id, arena *a, json_out *w, err *e)
{
	return_record *rets;
	size_t n;
	bool more;
	status rc;

	if ((rc = returns_of_customer(st, id, 100000, a, &rets, &n, &more, e)))
		return rc;
	for (size_t k = 0; k < n; k++)
		render_return(w, NULL, &rets[k], true);
	return E_OK;
}

/* One section of the export: `part` for each record of the family. */
static status export_part(store *st, json_out *w, const char *key, const int64_t *ids, size_t n,
			  arena *a, status (*part)(store *, int64_t, arena *, json_out *, err *),
			  err *e)
{
	status rc = E_OK;

	json_out_array(w, key);
	for (size_t i = 0; i < n && !rc; i++)
		rc = part(st, ids[i], a, w, e);
	json_out_end(w);
	return rc;
}

status privacy_export(store *st, int64_t id, int64_t now, arena *a, json_out *w, err *e)
{
	int64_t *ids;
	score_value *scores;
	size_t n, nscores;
	bool found;
	customer c;
	status rc;

	if ((rc = customer_load(st, id, a, &c, e)) || (rc = merged_family(st, id, a, &ids, &n, e)))
		return rc;
	json_out_object(w, NULL);
	render_customer(w, "customer", &c, true, a);
	json_out_array(w, "records");
	for (size_t i = 0; i < n; i++) {
		customer m;
		if (ids[i] == id)
			continue;
		if ((rc = customer_load(st, ids[i], a, &m, e)))
			return rc;
		render_customer(w, NULL, &m, true, a);
	}
	json_out_end(w);
	if ((rc = export_part(st, w, "orders", ids, n, a, export_orders, e)) ||
	    (rc = export_part(st, w, "returns", ids, n, a, export_returns, e)) ||
	    (rc = export_part(st, w, "interactions", ids, n, a, export_interactions, e)) ||
	    (rc = export_part(st, w, "merges", ids, n, a, export_merges, e)) ||
	    (rc = customer_scores_load(st, id, a, &scores, &nscores, &found, e)))
		return rc;
	if (found)
		render_scores(w, "scores", scores, nscores);
	else
		json_out_null(w, "scores");
	json_out_int(w, "exported_at", now);
	json_out_end(w);
	return E_OK;
}
