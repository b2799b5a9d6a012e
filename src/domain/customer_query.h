/* customer_query.h: finding customers: keyset pages of the live customers
 * in id, name, creation, revenue, order-count, last-order, CLV or churn-risk
 * order (either direction; ties broken by id), filtered by tag, country,
 * city, creation time and the latest scores' RFM segment, value tier and
 * lifecycle stage, and search by name fragment (Chinese included), exact
 * email, phone or shop id; with order counts, revenue and scores.
 *
 * How `q` is read: with an '@' it is an email (trimmed, lower-cased, exact);
 * a value equal to a customer's shop id finds that customer; an E.164
 * number matches the phone exactly; anything else is a name fragment: 3+
 * characters through the FTS5 trigram index, 1-2 characters through the
 * one-token-per-character index when the fragment has a non-ASCII
 * character (migration 007), else a scan with instr() (migration 004 says
 * why). Matching is case-insensitive for ASCII letters (and, for 1-2
 * characters with a non-ASCII one, for other letters too). Callers that
 * take free text from people normalise emails and phones first (`email`,
 * `phone`). */
#ifndef ECRM_DOMAIN_CUSTOMER_QUERY_H
#define ECRM_DOMAIN_CUSTOMER_QUERY_H

#include "domain/domain.h"

/* Revenue, orders and last order come from the per-customer totals
 * (migration 007; indexed by 011); CLV and churn risk from customer_scores,
 * unscored customers counting as -1 (last when descending). */
typedef enum {
	CUSTOMER_SORT_ID,
	CUSTOMER_SORT_NAME,
	CUSTOMER_SORT_CREATED,
	CUSTOMER_SORT_REVENUE,
	CUSTOMER_SORT_ORDERS,
	CUSTOMER_SORT_LAST_ORDER,
	CUSTOMER_SORT_CLV,
	CUSTOMER_SORT_CHURN,
	CUSTOMER_SORT__COUNT
} customer_sort;

/* Whether a sort's key is a real number (CLV, churn risk): its cursor key
 * is `after_real`; other keys but the name are integers (`after_int`). */
bool customer_sort_is_real(customer_sort s);

typedef struct {
	const char *q;	  /* NULL: everyone; else see above */
	int64_t after_id; /* keyset: the last row of the previous page (0: first page) */
	int limit;	  /* 1..1000 (0: 50) */

	customer_sort sort;
	bool desc;
	const char *after_name; /* CUSTOMER_SORT_NAME: the last row's name */
	int64_t after_created;	/* CUSTOMER_SORT_CREATED: the last row's created_at */
	int64_t after_int;	/* revenue, orders, last order: the last row's key */
	double after_real;	/* CLV, churn risk: the last row's key (-1: unscored) */
	const char *tag;	/* NULL: any */
	const char *country;	/* as stored: ISO alpha-2 */
	const char *city;	/* exact */
	const char *segment;	/* RFM segment ("champions" ...); NULL: any */
	const char *tier;	/* value tier ("key", "normal", "small"); NULL: any */
	const char *stage;	/* lifecycle stage ("new" ...); NULL: any */
	int64_t created_from;	/* inclusive; used when has_created_from */
	int64_t created_to;	/* inclusive; used when has_created_to */
	bool has_created_from, has_created_to;
	const char *email; /* exact, normalised (ingest/normalize.h); wins over q */
	const char *phone; /* E.164 reading of q (normalize_phone): matched when q
			    * is not a shop id */
} customer_query;

typedef struct {
	int64_t id;
	const char *external_id;
	const char *name;
	const char *email;
	const char *phone;
	const char *city;
	const char *country;
	const char *tags; /* JSON array */
	int64_t created_at;
	bool erased;
	int64_t orders;
	int64_t revenue;       /* order totals minus returns, minor units */
	int64_t last_order_at; /* 0 when no order */
	/* From the latest scores; NULL / NaN until their model has run. */
	const char *rfm_segment, *value_tier, *lifecycle_stage;
	double clv, churn_risk;
} customer_row;

/* The row's key in sort `s` as the cursor carries it: integer keys in
 * *i, real ones in *d (name: neither). */
void customer_row_key(const customer_row *r, customer_sort s, int64_t *i, double *d);

/* One page of live customers matching `q` in its sort order. *more is set
 * when another page follows (the cursor is then the last row). Rows and
 * strings come from `a`. E_INVAL (naming the field) for a bad query. */
status customer_list(store *st, const customer_query *q, arena *a, customer_row **rows, size_t *n,
		     bool *more, err *e) MUST_CHECK;

/* customer_list in id order without `more` (the CLI's list and search). */
status customer_search(store *st, const customer_query *q, arena *a, customer_row **rows, size_t *n,
		       err *e) MUST_CHECK;

/* When customer `id` was erased (0: not erased). E_NOTFOUND when absent. */
status customer_erased_at(store *st, int64_t id, int64_t *at, err *e) MUST_CHECK;

typedef struct {
	int64_t orders;
	int64_t revenue; /* order totals minus returns */
	int64_t returns;
	int64_t interactions;
	int64_t first_order_at;
	int64_t last_order_at;
} customer_totals;

/* The select list customer_totals_from_row reads, of customer_totals
 * aliased `t` (zeros when an outer join finds no row). */
#define CUSTOMER_TOTALS_COLUMNS                                                             \
	"COALESCE(t.orders, 0), COALESCE(t.order_total - t.returned, 0), "                  \
	"COALESCE(t.returns, 0), COALESCE(t.interactions, 0), COALESCE(t.first_order_at, 0), " \
	"COALESCE(t.last_order_at, 0)"
/* Reads CUSTOMER_TOTALS_COLUMNS from column `col` on. */
void customer_totals_from_row(stmt *s, int col, customer_totals *out);

#endif
