/* customer_view.c: the 360 view's head in one statement (see
 * customer_view.h). */
#include "domain/customer_view.h"

status customer_head_load(store *st, int64_t id, arena *a, customer_head *out, err *e)
{
	/* The three column lists in this order; where each one starts. */
	enum { TOTALS_COL = 24, SCORES_COL = TOTALS_COL + 6 };
	static const char *const sql =
		"SELECT " CUSTOMER_ROW_COLUMNS ", " CUSTOMER_TOTALS_COLUMNS ", " CUSTOMER_SCORE_COLUMNS
		" FROM customers"
		" LEFT JOIN customer_totals t ON t.customer_id = customers.id"
		" LEFT JOIN customer_scores ON customer_scores.customer_id = customers.id"
		" WHERE customers.id = $1";
	status rc;
	stmt *s;

	memset(out, 0, sizeof(*out));
	customer_init(&out->c);
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
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
