/* catalog_query.c: product pages, interaction pages and score rows (see
 * catalog_query.h). */
#include "domain/catalog_query.h"

status product_list(store *st, const char *category, int64_t after_id, int limit, arena *a,
		    product **rows, size_t *n, bool *more, err *e)
{
	static const char *const all =
		"SELECT " PRODUCT_COLUMNS " FROM products WHERE id > $1 ORDER BY id LIMIT $2";
	static const char *const of_category =
		"SELECT " PRODUCT_COLUMNS " FROM products "
		"WHERE id > $1 AND category = $3 ORDER BY id LIMIT $2";
	status rc;
	stmt *s;

	*rows = arena_alloc(a, (size_t)(limit + 1) * sizeof(**rows));
	*n = 0;
	*more = false;
	if ((rc = store_prepare(st, category ? of_category : all, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, after_id);
	stmt_bind_int64(s, 2, limit + 1);
	if (category)
		stmt_bind_text(s, 3, category);
	while (domain_page_row(s, *n, limit, more, e))
		product_from_row(s, a, &(*rows)[(*n)++]);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status product_update(store *st, const product *p, err *e)
{
	static const char *const sql =
		"UPDATE products SET name = $2, category = $3, price = $4, cost = $5, "
		"currency = $6, updated_at = $7 WHERE id = $1";
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, p->id);
	product_bind_fields(s, p);
	stmt_bind_int64(s, 7, p->updated_at);
	rc = stmt_exec(s, e);
	stmt_done(s);
	if (rc == E_OK && store_changes(st) == 0)
		rc = err_set(e, E_NOTFOUND, "no product %" PRId64, p->id);
	return rc;
}

status product_find_sku(store *st, const char *sku, int64_t *id, err *e)
{
	status rc;
	stmt *s;

	*id = 0;
	if ((rc = store_prepare(st, "SELECT id FROM products WHERE sku = $1", &s, e)))
		return rc;
	stmt_bind_text(s, 1, sku);
	if (stmt_row(s, e))
		*id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	return rc;
}

#define INTERACTION_COLS                                                                           \
	"SELECT id, external_id, customer_id, channel, direction, kind, agent, occurred_at, "      \
	"subject, body, attributes FROM interactions "

static void read_interaction(stmt *s, arena *a, interaction *it)
{
	memset(it, 0, sizeof(*it));
	it->id = stmt_int64(s, 0);
	it->external_id = domain_col_str(s, 1, a);
	it->customer_id = domain_col_id(s, 2);
	it->channel = domain_col_str(s, 3, a);
	it->direction = domain_col_str(s, 4, a);
	it->kind = domain_col_str(s, 5, a);
	it->agent = domain_col_str(s, 6, a);
	it->occurred_at = stmt_int64(s, 7);
	it->subject = domain_col_str(s, 8, a);
	it->body = domain_col_str(s, 9, a);
	it->attributes = domain_col_str(s, 10, a);
}

status interaction_list_send(store *st, int64_t customer_id, int64_t after_at, int64_t after_id,
			     int limit, stmt **out, err *e)
{
	static const char *const first =
		INTERACTION_COLS "WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC "
				 "LIMIT $2";
	static const char *const next =
		INTERACTION_COLS "WHERE customer_id = $1 AND (occurred_at, id) < ($3, $4) "
				 "ORDER BY occurred_at DESC, id DESC LIMIT $2";
	status rc;

	if ((rc = store_prepare(st, after_id ? next : first, out, e)))
		return rc;
	stmt_bind_int64(*out, 1, customer_id);
	stmt_bind_int64(*out, 2, limit + 1);
	if (after_id) {
		stmt_bind_int64(*out, 3, after_at);
		stmt_bind_int64(*out, 4, after_id);
	}
	stmt_send(*out);
	return E_OK;
}

status interaction_list_read(stmt *s, int limit, arena *a, interaction **rows, size_t *n,
			     bool *more, err *e)
{
	status rc;

	*rows = arena_alloc(a, (size_t)(limit + 1) * sizeof(**rows));
	*n = 0;
	*more = false;
	while (domain_page_row(s, *n, limit, more, e))
		read_interaction(s, a, &(*rows)[(*n)++]);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status interaction_list(store *st, int64_t customer_id, int64_t after_at, int64_t after_id,
			int limit, arena *a, interaction **rows, size_t *n, bool *more, err *e)
{
	stmt *s;
	status rc = interaction_list_send(st, customer_id, after_at, after_id, limit, &s, e);

	return rc ? rc : interaction_list_read(s, limit, a, rows, n, more, e);
}

status interaction_load(store *st, int64_t id, arena *a, interaction *out, err *e)
{
	static const char *const sql = INTERACTION_COLS "WHERE id = $1";
	status rc;
	stmt *s;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e))
		read_interaction(s, a, out);
	else if (e->code == E_OK)
		err_set(e, E_NOTFOUND, "no interaction %" PRId64, id);
	rc = e->code;
	stmt_done(s);
	return rc;
}

bool customer_scores_from_row(stmt *s, int col, arena *a, score_value **vals, size_t *n)
{
	/* CUSTOMER_SCORE_COLUMNS, and each one's kind: 'i' integer, 'r' real,
	 * 't' text. */
	static const struct {
		const char *name;
		char kind;
	} cols[] = {
		{"as_of", 'i'},
		{"recency_days", 'i'},
		{"frequency", 'i'},
		{"monetary", 'i'},
		{"r", 'i'},
		{"f", 'i'},
		{"m", 'i'},
		{"rfm_segment", 't'},
		{"value_tier", 't'},
		{"profit", 'i'},
		{"lifecycle_stage", 't'},
		{"p_alive", 'r'},
		{"expected_purchases", 'r'},
		{"expected_spend", 'r'},
		{"clv", 'r'},
		{"churn_risk", 'r'},
		{"cluster", 'i'},
		{"computed_at", 'i'},
	};

	*n = 0;
	*vals = NULL;
	/* as_of is NOT NULL in the table: NULL means a join found no row. */
	if (stmt_null(s, col))
		return false;
	*vals = arena_zalloc(a, ARRAY_SIZE(cols) * sizeof(**vals));
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		score_value *v = &(*vals)[i];
		int c = col + (int)i;
		v->name = cols[i].name;
		v->is_null = stmt_null(s, c);
		v->is_text = cols[i].kind == 't';
		v->is_real = cols[i].kind == 'r';
		if (v->is_null)
			continue;
		if (v->is_text)
			v->s = domain_col_str(s, c, a);
		else if (v->is_real)
			v->d = stmt_double(s, c);
		else
			v->i = stmt_int64(s, c);
	}
	*n = ARRAY_SIZE(cols);
	return true;
}

status customer_scores_load(store *st, int64_t customer_id, arena *a, score_value **vals, size_t *n,
			    bool *found, err *e)
{
	static const char *const sql =
		"SELECT " CUSTOMER_SCORE_COLUMNS " FROM customer_scores WHERE customer_id = $1";
	status rc;
	stmt *s;

	*found = false;
	*n = 0;
	*vals = NULL;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, customer_id);
	if (stmt_row(s, e))
		*found = customer_scores_from_row(s, 0, a, vals, n);
	rc = e->code;
	stmt_done(s);
	return rc;
}
