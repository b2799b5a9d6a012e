/* customer_view.h: the customer 360 view: the head (the profile, its
 * totals and its latest scores) read in one statement, where three loads
 * would take three, and the whole view (the head with the newest orders,
 * returns and interactions), its statements sent together where they do
 * not wait for each other (stmt_send): on PostgreSQL two round trips at
 * most (one when the customer has no returns or interactions) instead of
 * up to four. */
#ifndef ECRM_DOMAIN_CUSTOMER_VIEW_H
#define ECRM_DOMAIN_CUSTOMER_VIEW_H

#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/customer_query.h"
#include "domain/order_query.h"

typedef struct {
	customer c;
	customer_totals totals;
	score_value *scores; /* NULL when no model has scored the customer */
	size_t nscores;
} customer_head;

/* Loads customer `id` (merged or not) with its totals and scores; strings
 * are copied into `a`. E_NOTFOUND when there is no such customer. */
status customer_head_load(store *st, int64_t id, arena *a, customer_head *out, err *e) MUST_CHECK;

/* How many of each list the view holds (1..1000 each). */
typedef struct {
	int orders, returns, interactions;
} customer_view_limits;

typedef struct {
	customer_head head;
	order *orders; /* newest first, lines attached */
	size_t norders;
	order_line *lines; /* the orders' lines with SKUs and product names */
	size_t nlines;
	return_record *returns; /* newest first */
	size_t nreturns;
	interaction *interactions; /* newest first */
	size_t ninteractions;
	/* Whether each list has older entries than it holds. */
	bool more_orders, more_returns, more_interactions;
} customer_view;

/* Loads the 360 view of customer `id` into `out`, strings into `a`; call
 * it in a read transaction so that the parts agree. E_NOTFOUND when there
 * is no such customer. */
status customer_view_load(store *st, int64_t id, const customer_view_limits *lim, arena *a,
			  customer_view *out, err *e) MUST_CHECK;

#endif
