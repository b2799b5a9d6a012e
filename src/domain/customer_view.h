/* customer_view.h: the head of the customer 360 view (the profile, its
 * totals and its latest scores) read in one statement, where three loads
 * would take three (three round trips on PostgreSQL). The orders come from
 * order_latest_of_customer (order_query.h). */
#ifndef ECRM_DOMAIN_CUSTOMER_VIEW_H
#define ECRM_DOMAIN_CUSTOMER_VIEW_H

#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/customer_query.h"

typedef struct {
	customer c;
	customer_totals totals;
	score_value *scores; /* NULL when no model has scored the customer */
	size_t nscores;
} customer_head;

/* Loads customer `id` (merged or not) with its totals and scores; strings
 * are copied into `a`. E_NOTFOUND when there is no such customer. */
status customer_head_load(store *st, int64_t id, arena *a, customer_head *out, err *e) MUST_CHECK;

#endif
