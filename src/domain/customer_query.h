/* customer_query.h: finding customers: pages of the list, search by name
 * fragment, email, phone or shop id, with order counts and revenue. */
#ifndef ECRM_DOMAIN_CUSTOMER_QUERY_H
#define ECRM_DOMAIN_CUSTOMER_QUERY_H

#include "domain/domain.h"

typedef struct {
	const char *q;    /* NULL: everyone; else name fragment, email, phone or id */
	int64_t after_id; /* keyset pagination: ids greater than this */
	int limit;        /* 1..1000 (0: 50) */
} customer_query;

typedef struct {
	int64_t id;
	const char *external_id;
	const char *name;
	const char *email;
	const char *phone;
	const char *city;
	const char *country;
	int64_t orders;
	int64_t revenue;      /* order totals minus returns, minor units */
	int64_t last_order_at; /* 0 when no order */
} customer_row;

/* Live customers matching `q`, by id. Rows and strings come from `a`. */
status customer_search(store *st, const customer_query *q, arena *a, customer_row **rows,
		       size_t *n, err *e) MUST_CHECK;



typedef struct {
	int64_t orders;
	int64_t revenue;  /* order totals minus returns */
	int64_t returns;
	int64_t interactions;
	int64_t first_order_at;
	int64_t last_order_at;
} customer_totals;

/* Order, return and interaction totals of customer `id`. */
status customer_totals_load(store *st, int64_t id, customer_totals *out, err *e) MUST_CHECK;

#endif
