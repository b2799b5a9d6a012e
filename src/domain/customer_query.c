/* customer_query.c: customer lists and search. */
#include "domain/customer_query.h"
#include "domain/pii.h"

#include <ctype.h>

status customer_search(store *st, const customer_query *q, arena *a, customer_row **rows,
		       size_t *n, err *e)
{
	/* $1: the text (NULL for all), $2: lower-cased for emails, $3: after id,
	 * $4: limit. instr() rather than LIKE so any fragment, Chinese
	 * included, matches. */
	static const char *const sql =
		"SELECT c.id, c.external_id, c.name, c.email, c.phone, c.city, c.country,"
		" (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id),"
		" (SELECT COALESCE(SUM(total), 0) FROM orders o WHERE o.customer_id = c.id)"
		"  - (SELECT COALESCE(SUM(amount), 0) FROM returns r WHERE r.customer_id = c.id),"
		" (SELECT COALESCE(MAX(placed_at), 0) FROM orders o WHERE o.customer_id = c.id)"
		" FROM customers c WHERE c.merged_into IS NULL AND c.id > $3 AND ($1 IS NULL"
		"  OR c.email_bidx = $5 OR c.phone_bidx = $6 OR c.external_id = $1"
		"  OR instr(c.name, $1) > 0"
		"  OR instr(lower(c.name), $2) > 0)"
		" ORDER BY c.id LIMIT $4";
	int limit = q->limit > 0 && q->limit <= 1000 ? q->limit : 50;
	const pii_keys *k = store_keys(st);
	char *lower = NULL;
	size_t cap = (size_t)limit;
	status rc;
	stmt *s;

	*rows = arena_alloc(a, cap * sizeof(**rows));
	*n = 0;
	if (q->q) {
		lower = arena_strdup(a, q->q);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	if (!k)
		return err_set(e, E_INTERNAL, "no personal-data key attached to the store");
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_text(s, 1, q->q);
	stmt_bind_text(s, 2, lower);
	stmt_bind_int64(s, 3, q->after_id);
	stmt_bind_int64(s, 4, limit);
	/* Emails and phones are sealed: exact matches go through the blind
	 * indexes (an email's in lower case, as normalised on the way in). */
	stmt_bind_text(s, 5, pii_blind_index(k, "email", lower, a));
	stmt_bind_text(s, 6, pii_blind_index(k, "phone", q->q, a));
	while (*n < cap && stmt_row(s, e)) {
		customer_row *r = &(*rows)[(*n)++];
		r->id = stmt_int64(s, 0);
		r->external_id = domain_col_str(s, 1, a);
		r->name = domain_col_str(s, 2, a);
		r->email = domain_col_str(s, 3, a);
		r->phone = domain_col_str(s, 4, a);
		if (pii_open(k, "email", r->email, a, &r->email, e) ||
		    pii_open(k, "phone", r->phone, a, &r->phone, e))
			break;
		r->city = domain_col_str(s, 5, a);
		r->country = domain_col_str(s, 6, a);
		r->orders = stmt_int64(s, 7);
		r->revenue = stmt_int64(s, 8);
		r->last_order_at = stmt_int64(s, 9);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status customer_totals_load(store *st, int64_t id, customer_totals *out, err *e)
{
	static const char *const sql =
		"SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = $1),"
		" (SELECT COALESCE(SUM(total), 0) FROM orders WHERE customer_id = $1)"
		"  - (SELECT COALESCE(SUM(amount), 0) FROM returns WHERE customer_id = $1),"
		" (SELECT COUNT(*) FROM returns WHERE customer_id = $1),"
		" (SELECT COUNT(*) FROM interactions WHERE customer_id = $1),"
		" (SELECT COALESCE(MIN(placed_at), 0) FROM orders WHERE customer_id = $1),"
		" (SELECT COALESCE(MAX(placed_at), 0) FROM orders WHERE customer_id = $1)";
	status rc;
	stmt *s;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e)) {
		out->orders = stmt_int64(s, 0);
		out->revenue = stmt_int64(s, 1);
		out->returns = stmt_int64(s, 2);
		out->interactions = stmt_int64(s, 3);
		out->first_order_at = stmt_int64(s, 4);
		out->last_order_at = stmt_int64(s, 5);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}
