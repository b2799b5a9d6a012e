/* product.c: product persistence keyed by SKU. */
#include "domain/product.h"

#include <time.h>

status product_validate(const product *p, err *e)
{
	if (!p->sku || !*p->sku)
		return err_set(e, E_INVAL, "sku: missing");
	if (strlen(p->sku) > 100)
		return err_set(e, E_INVAL, "sku: longer than 100 bytes");
	if (p->name && strlen(p->name) > 500)
		return err_set(e, E_INVAL, "name: longer than 500 bytes");
	if (p->price < 0)
		return err_set(e, E_INVAL, "price: negative");
	if (p->cost.set && p->cost.v < 0)
		return err_set(e, E_INVAL, "cost: negative");
	return E_OK;
}

void product_from_row(stmt *s, arena *a, product *p)
{
	memset(p, 0, sizeof(*p));
	p->id = stmt_int64(s, 0);
	p->sku = domain_col_str(s, 1, a);
	p->name = domain_col_str(s, 2, a);
	p->category = domain_col_str(s, 3, a);
	p->price = stmt_int64(s, 4);
	if (!stmt_null(s, 5))
		p->cost = opt_some(stmt_int64(s, 5));
	p->currency = domain_col_str(s, 6, a);
	p->created_at = stmt_int64(s, 7);
	p->updated_at = stmt_int64(s, 8);
}

void product_bind_fields(stmt *s, const product *p)
{
	stmt_bind_text(s, 2, p->name ? p->name : "");
	stmt_bind_text(s, 3, p->category);
	stmt_bind_int64(s, 4, p->price);
	stmt_bind_opt_int64(s, 5, p->cost.v, !p->cost.set);
	stmt_bind_text(s, 6, p->currency ? p->currency : "USD");
}

bool product_changes(stmt *s, int c, const product *p)
{
	return (p->name && *p->name && !domain_str_eq(stmt_text(s, c), p->name)) ||
	       (p->category && !domain_str_eq(stmt_text(s, c + 1), p->category)) ||
	       (p->price > 0 && stmt_int64(s, c + 2) != p->price) ||
	       (p->cost.set && (stmt_null(s, c + 3) || stmt_int64(s, c + 3) != p->cost.v));
}

status product_insert(store *st, product *p, err *e)
{
	static const char *const sql =
		"INSERT INTO products (sku, name, category, price, cost, currency, created_at, "
		"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
	int64_t now = p->updated_at ? p->updated_at : (int64_t)time(NULL);
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_text(s, 1, p->sku);
	product_bind_fields(s, p);
	stmt_bind_int64(s, 7, p->created_at ? p->created_at : now);
	if (stmt_row(s, e))
		p->id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status product_save(store *st, product *p, save_result *res, err *e)
{
	static const char *const find =
		"SELECT id, " PRODUCT_MATCH_COLUMNS " FROM products WHERE sku = $1";
	/* Unset fields keep what is stored. */
	static const char *const update =
		"UPDATE products SET name = COALESCE(NULLIF($2, ''), name),"
		" category = COALESCE($3, category),"
		" price = CASE WHEN $4 > 0 THEN $4 ELSE price END,"
		" cost = COALESCE($5, cost), updated_at = $6 WHERE id = $1";
	save_result r = SAVE_NEW;
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, find, &s, e)))
		return rc;
	stmt_bind_text(s, 1, p->sku);
	if (stmt_row(s, e)) {
		p->id = stmt_int64(s, 0);
		r = product_changes(s, 1, p) ? SAVE_UPDATED : SAVE_UNCHANGED;
	}
	rc = e->code;
	stmt_done(s);
	if (rc || r == SAVE_UNCHANGED)
		goto out;
	if (r == SAVE_NEW) {
		rc = product_insert(st, p, e);
		goto out;
	}
	if ((rc = store_prepare(st, update, &s, e)))
		goto out;
	stmt_bind_int64(s, 1, p->id);
	stmt_bind_text(s, 2, p->name);
	stmt_bind_text(s, 3, p->category);
	stmt_bind_int64(s, 4, p->price);
	stmt_bind_opt_int64(s, 5, p->cost.v, !p->cost.set);
	stmt_bind_int64(s, 6, p->updated_at ? p->updated_at : (int64_t)time(NULL));
	rc = stmt_exec(s, e);
	stmt_done(s);
out:
	if (res && rc == E_OK)
		*res = r;
	return rc;
}

status product_load(store *st, int64_t id, arena *a, product *out, err *e)
{
	static const char *const sql = "SELECT " PRODUCT_COLUMNS " FROM products WHERE id = $1";
	status rc;
	stmt *s;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e))
		product_from_row(s, a, out);
	else if (e->code == E_OK)
		err_set(e, E_NOTFOUND, "no product %" PRId64, id);
	rc = e->code;
	stmt_done(s);
	return rc;
}
