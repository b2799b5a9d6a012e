/* recs_store.c: reads and rewrites association_rules, recommendations and
 * similar_products (see recs_store.h and migration 005). */
#include "analytics/recs_store.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#include <jansson.h>
#include <math.h>

static const char *const reason_names[] = { "rule", "similar", "popular" };

const char *recs_reason_name(recs_reason r)
{
	return (size_t)r < ARRAY_SIZE(reason_names) ? reason_names[r] : "popular";
}

static recs_reason reason_parse(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(reason_names); i++) {
		if (strcmp(s, reason_names[i]) == 0)
			return (recs_reason)i;
	}
	return RECS_POPULAR;
}

/* "[1,2,3]" into sb (reset first). */
static void ids_json(strbuf *sb, const int64_t *v, uint32_t n)
{
	strbuf_reset(sb);
	strbuf_addc(sb, '[');
	for (uint32_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%" PRId64, i ? "," : "", v[i]);
	strbuf_addc(sb, ']');
}

static void bind_real_or_null(stmt *s, int idx, double v)
{
	if (isfinite(v))
		stmt_bind_double(s, idx, v);
	else
		stmt_bind_null(s, idx);
}

/* ---- writing ---- */

/* What the row writers work from: the rows, the run's label (rules: the
 * basis; recommendations: the model) and time, and two buffers for JSON
 * id lists, kept from row to row. */
typedef struct {
	const void *rows;
	const char *label;
	int64_t computed_at;
	strbuf ids[2];
} rewrite;

/* Adds row i of w->rows. */
typedef status (*row_writer)(store *st, rewrite *w, size_t i, err *e);

/* Runs a bound statement and gives it back. */
static status exec_done(stmt *s, err *e)
{
	status rc = stmt_exec(s, e);

	stmt_done(s);
	return rc;
}

/* Replaces a table's content, all or nothing: in one transaction the
 * statements of `clear` (NULL-terminated) empty it, then `write` adds
 * rows[0 .. n). */
static status replace(store *st, const char *const *clear, row_writer write, const void *rows,
		      size_t n, const char *label, int64_t computed_at, err *e)
{
	rewrite w = { rows, label, computed_at, { STRBUF_INIT, STRBUF_INIT } };
	status rc;

	if ((rc = store_begin(st, e)))
		return rc;
	for (size_t i = 0; !rc && clear[i]; i++)
		rc = store_exec(st, clear[i], e);
	for (size_t i = 0; !rc && i < n; i++)
		rc = write(st, &w, i, e);
	rc = store_end(st, rc, e);
	strbuf_release(&w.ids[0]);
	strbuf_release(&w.ids[1]);
	return rc;
}

/* A rule and its items (the products of each side). */
static status write_rule(store *st, rewrite *w, size_t i, err *e)
{
	static const char ins_rule[] =
		"INSERT INTO association_rules (id, antecedent, consequent, antecedent_size, "
		"consequent_size, support, confidence, lift, count, basis, computed_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
	static const char ins_item[] = "INSERT INTO association_rule_items (product_id, side, "
				       "rule_id) VALUES ($1, $2, $3)";
	const recs_rule *r = (const recs_rule *)w->rows + i;
	stmt *s;
	status rc;

	ids_json(&w->ids[0], r->antecedent, r->n_antecedent);
	ids_json(&w->ids[1], r->consequent, r->n_consequent);
	if ((rc = store_prepare(st, ins_rule, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, (int64_t)i + 1);
	stmt_bind_text(s, 2, w->ids[0].buf);
	stmt_bind_text(s, 3, w->ids[1].buf);
	stmt_bind_int64(s, 4, r->n_antecedent);
	stmt_bind_int64(s, 5, r->n_consequent);
	stmt_bind_double(s, 6, r->support);
	stmt_bind_double(s, 7, r->confidence);
	stmt_bind_double(s, 8, r->lift);
	stmt_bind_int64(s, 9, r->count);
	stmt_bind_text(s, 10, w->label);
	stmt_bind_int64(s, 11, w->computed_at);
	if ((rc = exec_done(s, e)))
		return rc;
	for (int side = 0; side < 2; side++) {
		const int64_t *ids = side ? r->consequent : r->antecedent;
		uint32_t m = side ? r->n_consequent : r->n_antecedent;
		for (uint32_t j = 0; j < m; j++) {
			if ((rc = store_prepare(st, ins_item, &s, e)))
				return rc;
			stmt_bind_int64(s, 1, ids[j]);
			stmt_bind_text(s, 2, side ? "consequent" : "antecedent");
			stmt_bind_int64(s, 3, (int64_t)i + 1);
			if ((rc = exec_done(s, e)))
				return rc;
		}
	}
	return E_OK;
}

status recs_rules_replace(store *st, const recs_rule *v, size_t n, const char *basis,
			  int64_t computed_at, err *e)
{
	static const char *const clear[] = { "DELETE FROM association_rule_items",
					     "DELETE FROM association_rules", NULL };

	return replace(st, clear, write_rule, v, n, basis, computed_at, e);
}

static status write_rec(store *st, rewrite *w, size_t i, err *e)
{
	static const char ins[] =
		"INSERT INTO recommendations (customer_id, rank, product_id, score, model, reason, "
		"reason_products, reason_value, reason_lift, computed_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	const recs_rec *r = (const recs_rec *)w->rows + i;
	stmt *s;
	status rc;

	ids_json(&w->ids[0], r->reason_products, r->n_reason_products);
	if ((rc = store_prepare(st, ins, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, r->customer_id);
	stmt_bind_int64(s, 2, r->rank);
	stmt_bind_int64(s, 3, r->product_id);
	stmt_bind_double(s, 4, isfinite(r->score) ? r->score : 0);
	stmt_bind_text(s, 5, w->label);
	stmt_bind_text(s, 6, recs_reason_name(r->reason));
	stmt_bind_text(s, 7, w->ids[0].buf);
	bind_real_or_null(s, 8, r->reason_value);
	bind_real_or_null(s, 9, r->reason_lift);
	stmt_bind_int64(s, 10, w->computed_at);
	return exec_done(s, e);
}

status recs_recommendations_replace(store *st, const recs_rec *v, size_t n, const char *model,
				    int64_t computed_at, err *e)
{
	static const char *const clear[] = { "DELETE FROM recommendations", NULL };

	return replace(st, clear, write_rec, v, n, model, computed_at, e);
}

static status write_similar(store *st, rewrite *w, size_t i, err *e)
{
	static const char ins[] = "INSERT INTO similar_products (product_id, rank, similar_id, "
				  "similarity, computed_at) VALUES ($1, $2, $3, $4, $5)";
	const recs_similar *r = (const recs_similar *)w->rows + i;
	stmt *s;
	status rc;

	if ((rc = store_prepare(st, ins, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, r->product_id);
	stmt_bind_int64(s, 2, r->rank);
	stmt_bind_int64(s, 3, r->similar_id);
	stmt_bind_double(s, 4, r->similarity);
	stmt_bind_int64(s, 5, w->computed_at);
	return exec_done(s, e);
}

status recs_similar_replace(store *st, const recs_similar *v, size_t n, int64_t computed_at, err *e)
{
	static const char *const clear[] = { "DELETE FROM similar_products", NULL };

	return replace(st, clear, write_similar, v, n, NULL, computed_at, e);
}

/* ---- reading ---- */

static status product_fill(store *st, arena *a, int64_t id, recs_product *p, err *e)
{
	stmt *s;
	status rc;

	p->id = id;
	p->sku = p->name = NULL;
	if ((rc = store_prepare(st, "SELECT sku, name FROM products WHERE id = $1", &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e)) {
		p->sku = arena_strdup(a, stmt_text(s, 0) ? stmt_text(s, 0) : "");
		p->name = arena_strdup(a, stmt_text(s, 1) ? stmt_text(s, 1) : "");
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* Parses a JSON array of ids (as written by ids_json) into products. A
 * malformed value (someone edited the table) reads as no products. */
static status products_from_json(store *st, arena *a, const char *text, recs_product **out,
				 uint32_t *n, err *e)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	status rc = E_OK;
	size_t m = json_is_array(v) ? json_array_size(v) : 0;

	*out = arena_alloc(a, (m ? m : 1) * sizeof(**out));
	*n = 0;
	for (size_t i = 0; i < m && !rc; i++) {
		json_t *x = json_array_get(v, i);
		if (!json_is_integer(x))
			continue;
		rc = product_fill(st, a, (int64_t)json_integer_value(x), &(*out)[(*n)++], e);
	}
	json_decref(v);
	return rc;
}

/* Prepares `sql`, a list of rows about one customer or product: $1 is its
 * id and $2 the most rows wanted. */
static status prepare_list(store *st, const char *sql, int64_t id, size_t limit, stmt **s, err *e)
{
	status rc;

	if ((rc = store_prepare(st, sql, s, e)))
		return rc;
	stmt_bind_int64(*s, 1, id);
	stmt_bind_int64(*s, 2, (int64_t)limit);
	return E_OK;
}

#define RULE_COLUMNS                                                                               \
	"r.id, r.antecedent, r.consequent, r.support, r.confidence, r.lift, r.count, r.basis, "    \
	"r.computed_at"

/* Reads the rows of a statement selecting RULE_COLUMNS. Texts are copied
 * before products are looked up (which runs other statements). */
static status read_rules(store *st, arena *a, stmt *s, size_t cap, recs_rule_row **out, size_t *n,
			 err *e)
{
	const char **ante = arena_alloc(a, (cap ? cap : 1) * sizeof(char *));
	const char **cons = arena_alloc(a, (cap ? cap : 1) * sizeof(char *));
	status rc;

	*out = arena_alloc(a, (cap ? cap : 1) * sizeof(**out));
	*n = 0;
	while (*n < cap && stmt_row(s, e)) {
		recs_rule_row *r = &(*out)[*n];
		memset(r, 0, sizeof(*r));
		r->id = stmt_int64(s, 0);
		ante[*n] = arena_strdup(a, stmt_text(s, 1) ? stmt_text(s, 1) : "[]");
		cons[*n] = arena_strdup(a, stmt_text(s, 2) ? stmt_text(s, 2) : "[]");
		r->support = stmt_double(s, 3);
		r->confidence = stmt_double(s, 4);
		r->lift = stmt_double(s, 5);
		r->count = stmt_int64(s, 6);
		r->basis = arena_strdup(a, stmt_text(s, 7) ? stmt_text(s, 7) : "");
		r->computed_at = stmt_int64(s, 8);
		(*n)++;
	}
	rc = e->code;
	stmt_done(s);
	for (size_t i = 0; i < *n && !rc; i++) {
		recs_rule_row *r = &(*out)[i];
		if (!(rc = products_from_json(st, a, ante[i], &r->antecedent, &r->n_antecedent, e)))
			rc = products_from_json(st, a, cons[i], &r->consequent, &r->n_consequent,
						e);
	}
	return rc;
}

#define RULE_FILTER                                                                                \
	"WHERE r.lift >= $1 AND r.confidence >= $2 AND r.support >= $3 AND ($4 = 0 OR r.id IN "    \
	"(SELECT rule_id FROM association_rule_items WHERE product_id = $4))"

status recs_rules_list(store *st, arena *a, const recs_rule_filter *f, recs_rule_row **out,
		       size_t *n, int64_t *total, err *e)
{
	static const char sql_count[] = "SELECT COUNT(*) FROM association_rules r " RULE_FILTER;
	static const char sql_page[] =
		"SELECT " RULE_COLUMNS " FROM association_rules r " RULE_FILTER
		" ORDER BY r.id LIMIT $5 OFFSET $6";
	stmt *s;
	status rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	for (int pass = 0; pass < 2; pass++) {
		if ((rc = store_prepare(st, pass ? sql_page : sql_count, &s, e)))
			return rc;
		stmt_bind_double(s, 1, f->min_lift);
		stmt_bind_double(s, 2, f->min_confidence);
		stmt_bind_double(s, 3, f->min_support);
		stmt_bind_int64(s, 4, f->product_id > 0 ? f->product_id : 0);
		if (!pass) {
			if (stmt_row(s, e))
				*total = stmt_int64(s, 0);
			rc = e->code;
			stmt_done(s);
			if (rc)
				return rc;
			continue;
		}
		stmt_bind_int64(s, 5, (int64_t)f->limit);
		stmt_bind_int64(s, 6, (int64_t)f->offset);
		return read_rules(st, a, s, f->limit, out, n, e);
	}
	return E_OK;
}

status recs_bought_together(store *st, arena *a, int64_t product_id, size_t limit,
			    recs_rule_row **out, size_t *n, err *e)
{
	static const char sql[] =
		"SELECT " RULE_COLUMNS " FROM association_rule_items i JOIN association_rules r ON "
		"r.id = i.rule_id WHERE i.product_id = $1 AND i.side = "
		"'antecedent' AND r.antecedent_size = 1 AND r.consequent_size = 1 "
		"ORDER BY r.id LIMIT $2";
	stmt *s;
	status rc;

	*out = NULL;
	*n = 0;
	if ((rc = prepare_list(st, sql, product_id, limit, &s, e)))
		return rc;
	return read_rules(st, a, s, limit, out, n, e);
}

status recs_similar_list(store *st, arena *a, int64_t product_id, size_t limit,
			 recs_similar_row **out, size_t *n, err *e)
{
	static const char sql[] = "SELECT rank, similar_id, similarity, computed_at FROM "
				  "similar_products WHERE product_id = $1 ORDER BY rank LIMIT $2";
	stmt *s;
	status rc;

	*out = arena_alloc(a, (limit ? limit : 1) * sizeof(**out));
	*n = 0;
	if ((rc = prepare_list(st, sql, product_id, limit, &s, e)))
		return rc;
	while (*n < limit && stmt_row(s, e)) {
		recs_similar_row *r = &(*out)[(*n)++];
		r->rank = (uint32_t)stmt_int64(s, 0);
		r->product.id = stmt_int64(s, 1);
		r->similarity = stmt_double(s, 2);
		r->computed_at = stmt_int64(s, 3);
	}
	rc = e->code;
	stmt_done(s);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = product_fill(st, a, (*out)[i].product.id, &(*out)[i].product, e);
	return rc;
}

status recs_for_customer(store *st, arena *a, int64_t customer_id, size_t limit, recs_rec_row **out,
			 size_t *n, err *e)
{
	static const char sql[] = "SELECT rank, product_id, score, model, reason, reason_products, "
				  "reason_value, reason_lift, computed_at FROM recommendations "
				  "WHERE customer_id = $1 ORDER BY rank LIMIT $2";
	const char **why = arena_alloc(a, (limit ? limit : 1) * sizeof(char *));
	stmt *s;
	status rc;

	*out = arena_alloc(a, (limit ? limit : 1) * sizeof(**out));
	*n = 0;
	if ((rc = prepare_list(st, sql, customer_id, limit, &s, e)))
		return rc;
	while (*n < limit && stmt_row(s, e)) {
		recs_rec_row *r = &(*out)[*n];
		memset(r, 0, sizeof(*r));
		r->rank = (uint32_t)stmt_int64(s, 0);
		r->product.id = stmt_int64(s, 1);
		r->score = stmt_double(s, 2);
		r->model = arena_strdup(a, stmt_text(s, 3) ? stmt_text(s, 3) : "");
		r->reason = reason_parse(stmt_text(s, 4));
		why[*n] = arena_strdup(a, stmt_text(s, 5) ? stmt_text(s, 5) : "[]");
		r->reason_value = stmt_null(s, 6) ? NAN : stmt_double(s, 6);
		r->reason_lift = stmt_null(s, 7) ? NAN : stmt_double(s, 7);
		r->computed_at = stmt_int64(s, 8);
		(*n)++;
	}
	rc = e->code;
	stmt_done(s);
	for (size_t i = 0; i < *n && !rc; i++) {
		recs_rec_row *r = &(*out)[i];
		if (!(rc = product_fill(st, a, r->product.id, &r->product, e)))
			rc = products_from_json(st, a, why[i], &r->reason_products,
						&r->n_reason_products, e);
	}
	return rc;
}

static status exists(store *st, const char *sql, const char *what, int64_t id, err *e)
{
	int64_t one;
	status rc = store_query_int64(st, sql, &one, e, 1, id);

	if (rc == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "no %s %" PRId64, what, id);
	return rc;
}

status recs_customer_exists(store *st, int64_t id, err *e)
{
	return exists(st, "SELECT 1 FROM customers WHERE id = $1", "customer", id, e);
}

status recs_product_get(store *st, arena *a, int64_t id, recs_product *out, err *e)
{
	status rc = product_fill(st, a, id, out, e);

	if (!rc && !out->sku)
		return err_set(e, E_NOTFOUND, "no product %" PRId64, id);
	return rc;
}

/* ---- the rule index ---- */

static size_t parse_ids(const char *text, int64_t **v, size_t *cap, size_t at)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	size_t n = 0;

	for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
		json_t *x = json_array_get(j, i);
		if (!json_is_integer(x))
			continue;
		*v = xgrow(*v, cap, at + n + 1, sizeof(**v));
		(*v)[at + n++] = (int64_t)json_integer_value(x);
	}
	json_decref(j);
	return n;
}

status recs_rules_load(store *st, recs_rule_index *out, err *e)
{
	static const char sql[] = "SELECT antecedent, consequent, confidence, lift FROM "
				  "association_rules WHERE antecedent_size >= 1 AND "
				  "consequent_size = 1 ORDER BY id";
	size_t cap = 0, acap = 0, ocap = 0, ccap = 0, lcap = 0, at = 0;
	int64_t *one = NULL;
	size_t one_cap = 0;
	stmt *s;
	status rc;

	memset(out, 0, sizeof(*out));
	out->offsets = xgrow(NULL, &ocap, 1, sizeof(size_t));
	out->offsets[0] = 0;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		size_t r = out->n, na;
		if (parse_ids(stmt_text(s, 1), &one, &one_cap, 0) != 1)
			continue;
		na = parse_ids(stmt_text(s, 0), &out->antecedent, &acap, at);
		if (!na)
			continue;
		at += na;
		out->consequent = xgrow(out->consequent, &cap, r + 1, sizeof(int64_t));
		out->confidence = xgrow(out->confidence, &ccap, r + 1, sizeof(double));
		out->lift = xgrow(out->lift, &lcap, r + 1, sizeof(double));
		out->offsets = xgrow(out->offsets, &ocap, r + 2, sizeof(size_t));
		out->consequent[r] = one[0];
		out->confidence[r] = stmt_double(s, 2);
		out->lift[r] = stmt_double(s, 3);
		out->offsets[r + 1] = at;
		out->n++;
	}
	rc = e->code;
	stmt_done(s);
	free(one);
	return rc;
}

void recs_rule_index_release(recs_rule_index *r)
{
	free(r->consequent);
	free(r->offsets);
	free(r->antecedent);
	free(r->confidence);
	free(r->lift);
	memset(r, 0, sizeof(*r));
}
