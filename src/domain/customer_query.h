/* customer_query.h: finding customers: keyset pages of the live customers
 * in id, name or creation order (either direction), filtered by tag,
 * country, city and creation time, and search by name fragment (Chinese
 * included), exact email, phone or shop id; with order counts and revenue.
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

typedef enum { CUSTOMER_SORT_ID, CUSTOMER_SORT_NAME, CUSTOMER_SORT_CREATED } customer_sort;

typedef struct {
	const char *q;	  /* NULL: everyone; else see above */
	int64_t after_id; /* keyset: the last row of the previous page (0: first page) */
	int limit;	  /* 1..1000 (0: 50) */

	customer_sort sort;
	bool desc;
	const char *after_name; /* CUSTOMER_SORT_NAME: the last row's name */
	int64_t after_created;	/* CUSTOMER_SORT_CREATED: the last row's created_at */
	const char *tag;	/* NULL: any */
	const char *country;	/* as stored: ISO alpha-2 */
	const char *city;	/* exact */
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
} customer_row;

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

/* Order, return and interaction totals of customer `id`. */
status customer_totals_load(store *st, int64_t id, customer_totals *out, err *e) MUST_CHECK;

#endif
