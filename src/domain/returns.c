/* returns.c: cancellations, returns and refunds, saved idempotently. */
#include "domain/returns.h"

#include <pthread.h>

static char lookup_sql[2048];
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

static void build_lookup_sql(void)
{
	domain_lookup_sql(lookup_sql, sizeof(lookup_sql), "returns", "external_id");
}

status return_ids_by_external(store *st, const char *const *ext, size_t n, int64_t *ids, err *e)
{
	pthread_once(&lookup_once, build_lookup_sql);
	return domain_ids_by_key(st, lookup_sql, ext, n, ids, e);
}

/* Binds the columns in the order of the INSERTs below. */
static void bind_return(stmt *s, const return_record *r)
{
	stmt_bind_text(s, 1, r->external_id);
	stmt_bind_text(s, 2, r->kind);
	stmt_bind_opt_int64(s, 3, r->order_id, r->order_id == 0);
	stmt_bind_opt_int64(s, 4, r->customer_id, r->customer_id == 0);
	stmt_bind_opt_int64(s, 5, r->product_id, r->product_id == 0);
	stmt_bind_int64(s, 6, r->qty);
	stmt_bind_int64(s, 7, r->amount);
	stmt_bind_text(s, 8, r->currency);
	stmt_bind_text(s, 9, r->reason);
	stmt_bind_int64(s, 10, r->returned_at);
}

status return_insert(store *st, const return_record *r, err *e)
{
	static const char *const sql =
		"INSERT INTO returns (external_id, kind, order_id, customer_id, product_id, qty, "
		"amount, currency, reason, returned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
		"$9, $10)";
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	bind_return(s, r);
	rc = stmt_exec(s, e);
	stmt_done(s);
	if (rc == E_CONFLICT)
		return err_set(e, rc, "external_id: a return with id '%s' exists", r->external_id);
	return rc;
}

status return_validate(const return_record *r, err *e)
{
	static const char *const kinds[] = { "return", "cancellation", "refund" };
	bool kind_ok = false;

	if (!r->external_id || !*r->external_id)
		return err_set(e, E_INVAL, "external_id: missing");
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		kind_ok = kind_ok || domain_str_eq(r->kind, kinds[i]);
	if (!kind_ok)
		return err_set(e, E_INVAL, "kind: '%s' is not return, cancellation or refund",
			       r->kind ? r->kind : "");
	if (r->amount < 0)
		return err_set(e, E_INVAL, "amount: negative");
	if (r->qty < 0)
		return err_set(e, E_INVAL, "qty: negative");
	if (!r->returned_at)
		return err_set(e, E_INVAL, "returned_at: missing");
	if (!r->currency || strlen(r->currency) != 3)
		return err_set(e, E_INVAL, "currency: not a 3-letter ISO 4217 code");
	return E_OK;
}

bool return_matches(stmt *s, int c, const return_record *r)
{
	return domain_str_eq(stmt_text(s, c), r->kind) && domain_col_id(s, c + 1) == r->order_id &&
	       domain_col_id(s, c + 2) == r->customer_id &&
	       domain_col_id(s, c + 3) == r->product_id && stmt_int64(s, c + 4) == r->qty &&
	       stmt_int64(s, c + 5) == r->amount && domain_str_eq(stmt_text(s, c + 6), r->currency) &&
	       domain_str_eq(stmt_text(s, c + 7), r->reason) && stmt_int64(s, c + 8) == r->returned_at;
}

status return_save(store *st, return_record *r, save_result *res, err *e)
{
	static const char *const find =
		"SELECT id, " RETURN_MATCH_COLUMNS " FROM returns WHERE external_id = $1";
	static const char *const upsert =
		"INSERT INTO returns (external_id, kind, order_id, customer_id, product_id, qty, "
		"amount, currency, reason, returned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
		"$9, $10) ON CONFLICT (external_id) DO UPDATE SET kind = excluded.kind, "
		"order_id = excluded.order_id, customer_id = excluded.customer_id, "
		"product_id = excluded.product_id, qty = excluded.qty, amount = excluded.amount, "
		"currency = excluded.currency, reason = excluded.reason, "
		"returned_at = excluded.returned_at RETURNING id";
	save_result what = SAVE_NEW;
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, find, &s, e)))
		return rc;
	stmt_bind_text(s, 1, r->external_id);
	if (stmt_row(s, e)) {
		r->id = stmt_int64(s, 0);
		what = return_matches(s, 1, r) ? SAVE_UNCHANGED : SAVE_UPDATED;
	}
	rc = e->code;
	stmt_done(s);
	if (rc || what == SAVE_UNCHANGED)
		goto out;
	if ((rc = store_prepare(st, upsert, &s, e)))
		return rc;
	bind_return(s, r);
	if (stmt_row(s, e))
		r->id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
out:
	if (res && rc == E_OK)
		*res = what;
	return rc;
}
