/* customer_view.c: the customer 360 view (see customer_view.h). */
#include "domain/customer_view.h"

static status head_send(store *st, int64_t id, stmt **out, err *e)
{
	static const char *const sql =
		"SELECT " CUSTOMER_ROW_COLUMNS ", " CUSTOMER_TOTALS_COLUMNS ", " CUSTOMER_SCORE_COLUMNS
		" FROM customers"
		" LEFT JOIN customer_totals t ON t.customer_id = customers.id"
		" LEFT JOIN customer_scores ON customer_scores.customer_id = customers.id"
		" WHERE customers.id = $1";
	status rc;

	if ((rc = store_prepare(st, sql, out, e)))
		return rc;
	stmt_bind_int64(*out, 1, id);
	stmt_send(*out);
	return E_OK;
}

/* Reads head_send's statement and gives it back. */
static status head_read(store *st, stmt *s, int64_t id, arena *a, customer_head *out, err *e)
{
	/* The three column lists in this order; where each one starts. */
	enum { TOTALS_COL = 24, SCORES_COL = TOTALS_COL + 6 };
	status rc;

	memset(out, 0, sizeof(*out));
	customer_init(&out->c);
	if (stmt_row(s, e)) {
		rc = customer_from_row(st, s, 0, a, &out->c, e);
		customer_totals_from_row(s, TOTALS_COL, &out->totals);
		customer_scores_from_row(s, SCORES_COL, a, &out->scores, &out->nscores);
	} else {
		rc = e->code ? e->code : err_set(e, E_NOTFOUND, "no customer %" PRId64, id);
	}
	stmt_done(s);
	return rc;
}

status customer_head_load(store *st, int64_t id, arena *a, customer_head *out, err *e)
{
	stmt *s;
	status rc = head_send(st, id, &s, e);

	return rc ? rc : head_read(st, s, id, a, out, e);
}

status customer_view_load(store *st, int64_t id, const customer_view_limits *lim, arena *a,
			  customer_view *out, err *e)
{
	stmt *head = NULL, *orders = NULL, *returns = NULL, *inter = NULL;
	status rc;

	memset(out, 0, sizeof(*out));
	/* The orders go with the head (most customers have some); the head's
	 * totals then tell whether returns and interactions need a statement
	 * (fewer than half of the customers have either), both sent at once. */
	if ((rc = head_send(st, id, &head, e)) ||
	    (rc = order_latest_send(st, id, lim->orders, &orders, e))) {
		stmt_done(head);
		goto out;
	}
	rc = head_read(st, head, id, a, &out->head, e);
	if (rc == E_OK && out->head.totals.returns)
		rc = returns_of_customer_send(st, id, lim->returns, &returns, e);
	if (rc == E_OK && out->head.totals.interactions)
		rc = interaction_list_send(st, id, 0, 0, lim->interactions, &inter, e);
	/* Each read gives its statement back; those not read go at out. */
	if (rc == E_OK) {
		rc = order_latest_read(orders, lim->orders, a, &out->orders, &out->norders,
				       &out->more_orders, &out->lines, &out->nlines, e);
		orders = NULL;
	}
	if (rc == E_OK && returns) {
		rc = returns_of_customer_read(returns, lim->returns, a, &out->returns,
					      &out->nreturns, &out->more_returns, e);
		returns = NULL;
	}
	if (rc == E_OK && inter) {
		rc = interaction_list_read(inter, lim->interactions, a, &out->interactions,
					   &out->ninteractions, &out->more_interactions, e);
		inter = NULL;
	}
out:
	stmt_done(orders);
	stmt_done(returns);
	stmt_done(inter);
	return rc;
}
