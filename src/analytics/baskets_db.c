/* baskets_db.c: orders and their products from the store, under dense
 * customer and product indexes (see baskets_db.h). */
#include "analytics/baskets_db.h"
#include "core/xalloc.h"

/* Clustered by order (order_items' primary key), so no sort is needed. */
static const char sql_lines[] =
	"SELECT oi.order_id, o.placed_at, "
	"CASE WHEN c.id IS NOT NULL AND c.merged_into IS NULL THEN o.customer_id END, "
	"oi.product_id "
	"FROM order_items oi JOIN orders o ON o.id = oi.order_id "
	"LEFT JOIN customers c ON c.id = o.customer_id "
	"WHERE oi.product_id IS NOT NULL AND oi.qty > 0 "
	"ORDER BY oi.order_id";

static const char sql_sku[] = "SELECT id FROM products WHERE sku = $1";

static const char sql_names[] = "SELECT id, sku, name FROM products ORDER BY id";

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static uint32_t find(const int64_t *v, uint32_t n, int64_t id)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v[mid] < id)
			lo = mid + 1;
		else if (v[mid] > id)
			hi = mid;
		else
			return mid;
	}
	return REC_NONE;
}

/* Sorts `v` and drops repeats; returns the new length. */
static size_t sort_unique(int64_t *v, size_t n)
{
	size_t m = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_i64);
	for (size_t i = 0; i < n; i++) {
		if (!m || v[m - 1] != v[i])
			v[m++] = v[i];
	}
	return m;
}

static status load_excluded(store *st, const char *const *skus, int64_t **out, size_t *n, err *e)
{
	size_t cap = 0;
	stmt *s = NULL;
	status rc = E_OK;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; skus && skus[i]; i++) {
		if ((rc = store_prepare(st, sql_sku, &s, e)))
			return rc;
		stmt_bind_text(s, 1, skus[i]);
		if (stmt_row(s, e)) {
			*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
			(*out)[(*n)++] = stmt_int64(s, 0);
		} else if (!(rc = e->code)) {
			rc = err_set(e, E_NOTFOUND, "no product has the SKU '%s'", skus[i]);
		}
		stmt_done(s);
		if (rc)
			return rc;
	}
	*n = sort_unique(*out, *n);
	return E_OK;
}

status baskets_db_load(store *st, const baskets_db_options *o, baskets_db *out, err *e)
{
	size_t users_cap = 0, times_cap = 0, ids_cap = 0, off_cap = 0, lines_cap = 0, n_excl = 0,
	       n_cust = 0;
	int64_t *line_product = NULL, *cust = NULL, *excl = NULL, *sorted = NULL;
	bool in_txn = false;
	stmt *s = NULL;
	status rc;

	memset(out, 0, sizeof(*out));
	arena_init(&out->names, 0);
	if ((rc = store_begin_read(st, e)))
		goto out;
	in_txn = true;
	if ((rc = load_excluded(st, o ? o->exclude_skus : NULL, &excl, &n_excl, e)))
		goto out;
	if ((rc = store_prepare_scan(st, sql_lines, &s, e)))
		goto out;
	while (stmt_row(s, e)) {
		int64_t oid = stmt_int64(s, 0), pid = stmt_int64(s, 3);
		if (n_excl && find(excl, (uint32_t)n_excl, pid) != REC_NONE)
			continue;
		if (!out->n_orders || out->order_id[out->n_orders - 1] != oid) {
			size_t n = out->n_orders;
			out->order_id = xgrow(out->order_id, &ids_cap, n + 1, sizeof(int64_t));
			out->order_time =
				xgrow(out->order_time, &times_cap, n + 1, sizeof(int64_t));
			cust = xgrow(cust, &users_cap, n + 1, sizeof(int64_t));
			out->offsets = xgrow(out->offsets, &off_cap, n + 2, sizeof(size_t));
			out->order_id[n] = oid;
			out->order_time[n] = stmt_int64(s, 1);
			cust[n] = stmt_null(s, 2) ? 0 : stmt_int64(s, 2);
			out->offsets[n] = out->n_lines;
			out->n_orders++;
		}
		line_product = xgrow(line_product, &lines_cap, out->n_lines + 1, sizeof(int64_t));
		line_product[out->n_lines++] = pid;
	}
	if ((rc = e->code))
		goto out;
	stmt_done(s);
	s = NULL;
	in_txn = false;
	if ((rc = store_commit(st, e)))
		goto out;
	if (!out->offsets)
		out->offsets = xmalloc(sizeof(size_t));
	out->offsets[out->n_orders] = out->n_lines;

	/* Dense customer indexes (0 in cust[] means guest: ids are >= 1). */
	sorted = xmalloc((out->n_orders + 1) * sizeof(*sorted));
	for (size_t i = 0; i < out->n_orders; i++) {
		if (cust[i] > 0)
			sorted[n_cust++] = cust[i];
	}
	n_cust = sort_unique(sorted, n_cust);
	if (n_cust >= REC_NONE || out->n_lines >= REC_NONE) {
		rc = err_set(e, E_TOOBIG, "too many customers or order lines for one analysis");
		goto out;
	}
	out->n_customers = (uint32_t)n_cust;
	out->customer_id = xmalloc((n_cust + 1) * sizeof(int64_t));
	memcpy(out->customer_id, sorted, n_cust * sizeof(int64_t));
	out->order_user = xmalloc((out->n_orders + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < out->n_orders; i++)
		out->order_user[i] =
			cust[i] > 0 ? find(out->customer_id, out->n_customers, cust[i]) : REC_NONE;

	/* Dense product indexes; each order's items sorted, repeats dropped. */
	free(sorted);
	sorted = xmalloc((out->n_lines + 1) * sizeof(*sorted));
	memcpy(sorted, line_product, out->n_lines * sizeof(*sorted));
	out->n_products = (uint32_t)sort_unique(sorted, out->n_lines);
	out->product_id = xmalloc(((size_t)out->n_products + 1) * sizeof(int64_t));
	memcpy(out->product_id, sorted, out->n_products * sizeof(int64_t));
	out->items = xmalloc((out->n_lines + 1) * sizeof(uint32_t));
	{
		size_t at = 0;
		for (size_t i = 0; i < out->n_orders; i++) {
			size_t lo = out->offsets[i], hi = out->offsets[i + 1], start = at;
			for (size_t a = lo; a < hi; a++)
				out->items[at++] =
					find(out->product_id, out->n_products, line_product[a]);
			qsort(out->items + start, at - start, sizeof(uint32_t), cmp_u32);
			size_t m = start;
			for (size_t a = start; a < at; a++) {
				if (m == start || out->items[m - 1] != out->items[a])
					out->items[m++] = out->items[a];
			}
			at = m;
			out->offsets[i] = start;
		}
		out->offsets[out->n_orders] = at;
	}
out:
	stmt_done(s);
	if (in_txn)
		store_rollback(st);
	free(sorted);
	free(excl);
	free(cust);
	free(line_product);
	if (rc)
		err_prefix(e, "loading order lines");
	return rc;
}

status baskets_db_load_names(store *st, baskets_db *d, err *e)
{
	stmt *s;
	status rc;

	d->sku = arena_zalloc(&d->names, ((size_t)d->n_products + 1) * sizeof(char *));
	d->name = arena_zalloc(&d->names, ((size_t)d->n_products + 1) * sizeof(char *));
	if ((rc = store_begin_read(st, e)))
		goto out;
	if (!(rc = store_prepare(st, sql_names, &s, e))) {
		while (stmt_row(s, e)) {
			uint32_t i = find(d->product_id, d->n_products, stmt_int64(s, 0));
			const char *sku = stmt_text(s, 1), *name = stmt_text(s, 2);
			if (i == REC_NONE)
				continue;
			d->sku[i] = arena_strdup(&d->names, sku ? sku : "");
			d->name[i] = arena_strdup(&d->names, name ? name : "");
		}
		rc = e->code;
		stmt_done(s);
	}
	rc = store_end(st, rc, e);
out:
	/* A product deleted since the load keeps a visible placeholder. */
	for (uint32_t i = 0; i < d->n_products; i++) {
		if (!d->sku[i])
			d->sku[i] = d->name[i] = "?";
	}
	return rc;
}

void baskets_db_release(baskets_db *d)
{
	free(d->order_id);
	free(d->order_user);
	free(d->order_time);
	free(d->offsets);
	free(d->items);
	free(d->customer_id);
	free(d->product_id);
	arena_release(&d->names);
	memset(d, 0, sizeof(*d));
}

rec_orders baskets_db_orders(const baskets_db *d)
{
	return (rec_orders){ .n_orders = d->n_orders,
			     .n_users = d->n_customers,
			     .n_items = d->n_products,
			     .user = d->order_user,
			     .time = d->order_time,
			     .offsets = d->offsets,
			     .items = d->items };
}

status baskets_db_user_items(const baskets_db *d, rec_weighting w, rec_matrix *out, err *e)
{
	rec_orders o = baskets_db_orders(d);
	return rec_matrix_from_orders(&o, NULL, w, out, e);
}

uint32_t baskets_db_customer_index(const baskets_db *d, int64_t id)
{
	return find(d->customer_id, d->n_customers, id);
}

uint32_t baskets_db_product_index(const baskets_db *d, int64_t id)
{
	return find(d->product_id, d->n_products, id);
}
