/* order_query.h: pages of orders (newest first), the lines of a set of
 * orders with their products, and a customer's returns: what the order
 * listing and the customer 360 view read. */
#ifndef ECRM_DOMAIN_ORDER_QUERY_H
#define ECRM_DOMAIN_ORDER_QUERY_H

#include "domain/order.h"
#include "domain/returns.h"

typedef struct {
	int64_t customer_id; /* 0: every customer */
	int64_t from, to;    /* placed_at range, inclusive; when has_from / has_to */
	bool has_from, has_to;
	int64_t after_id; /* keyset: the last row of the previous page (0: first) */
	int64_t after_placed_at;
	int limit; /* 1..1000 (0: 50) */
} order_query;

/* A line with its product's SKU and name. */
typedef struct {
	int64_t order_id;
	order_item item;
	const char *sku;
	const char *product_name;
} order_line;

/* Orders (headers only: items NULL) newest first by placed_at, then id.
 * *more says whether another page follows. From `a`. */
status order_list(store *st, const order_query *q, arena *a, order **rows, size_t *n, bool *more,
		  err *e) MUST_CHECK;

/* The lines of the `n` orders in `ids`, attached to the matching entries
 * of `orders` (items/n_items) and, when `lines` is not NULL, returned with
 * SKU and product name as well. From `a`. */
status order_lines_load(store *st, order *orders, size_t n, arena *a, order_line **lines,
			size_t *nlines, err *e) MUST_CHECK;

/* order_lines_load for a page that order_list returned for `q`: the same
 * result from one query over the page's range (orders between its first
 * and last, of q's customer), not one query per order. */
status order_page_lines(store *st, const order_query *q, order *orders, size_t n, arena *a,
			order_line **lines, size_t *nlines, err *e) MUST_CHECK;

/* The `limit` (1..1000) newest orders of customer `customer_id` with
 * their lines attached (and in `*lines`, with SKUs and product names), in
 * one statement; *more says whether it has older ones. From `a`. */
status order_latest_of_customer(store *st, int64_t customer_id, int limit, arena *a, order **rows,
				size_t *n, bool *more, order_line **lines, size_t *nlines,
				err *e) MUST_CHECK;

/* order_latest_of_customer in two halves, so that a caller can send
 * several statements together (stmt_send): _send binds and sends the
 * statement into `*out`, _read reads it (with the same limit) and gives it
 * back, whatever happens. The same for returns_of_customer below. */
status order_latest_send(store *st, int64_t customer_id, int limit, stmt **out, err *e) MUST_CHECK;
status order_latest_read(stmt *s, int limit, arena *a, order **rows, size_t *n, bool *more,
			 order_line **lines, size_t *nlines, err *e) MUST_CHECK;

/* The order with this external id; *id = 0 when there is none. */
status order_find_external(store *st, const char *external_id, int64_t *id, err *e) MUST_CHECK;

/* Up to `limit` returns of customer `id`, newest first; *more when there
 * are more. From `a`. */
status returns_of_customer(store *st, int64_t id, int limit, arena *a, return_record **rows,
			   size_t *n, bool *more, err *e) MUST_CHECK;
status returns_of_customer_send(store *st, int64_t id, int limit, stmt **out, err *e) MUST_CHECK;
status returns_of_customer_read(stmt *s, int limit, arena *a, return_record **rows, size_t *n,
				bool *more, err *e) MUST_CHECK;

#endif
