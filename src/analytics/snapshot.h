/* snapshot.h: the columns the analytics kernels read, loaded from the store
 * in one streaming pass per table into plain arrays (struct of arrays).
 * This is the only analytics code that runs SQL; every kernel takes a
 * snapshot (or arrays from it) and never touches the store.
 *
 * What is in it:
 *  - customers: every customer not merged away (merged_into IS NULL), with
 *    or without orders, under a dense index 0..n_customers-1 in ascending
 *    id order. Customers without an order are the prospects.
 *  - orders of those customers, grouped by customer index and sorted by day
 *    within a customer (CSR layout: customer c's orders are
 *    [order_start[c], order_start[c + 1])). Orders of one day stay in the
 *    order they came in: time order from snapshot_load, the order they
 *    were added in from the builder (the kernels only sum within a day).
 *    Every status counts: orders
 *    cancelled or refunded later appear as rows in `returns`, which the
 *    kernels subtract, so excluding them here would subtract them twice.
 *    Guest orders (customer_id NULL) are not read. Orders that point at a
 *    merged-away or unknown customer are skipped and counted
 *    (a merge re-points orders, so this should stay 0).
 *  - returns (returns, cancellations, refunds) in the same layout, against
 *    returns.customer_id or, when that is NULL, the customer of the order
 *    they refer to.
 *
 * Days are Unix days (floor(seconds / 86400), UTC). Money is int64 minor
 * units. Margin of an order = total - cogs when cogs is known; when the shop
 * gave no cost, margin = round(total * margin_ratio), where margin_ratio is
 * the configured ratio ([analytics] margin_ratio) or, when none is set, the
 * ratio observed over the orders whose cost is known (sum of margins / sum
 * of totals), or 1.0 when no order has a known cost (profit then equals
 * revenue, which ranks customers exactly as any uniform margin would).
 *
 * Memory: 8 + 4 + 8 bytes per customer (id, created day, order offset) plus
 * 4 + 4 + 8 + 8 + 4 bytes per order and 4 + 4 + 8 per return (plus 8 per
 * customer for the return offsets): about 115 MB for 1M customers and 3M
 * orders. snapshot_load reads orders straight into their columns (plus 9
 * bytes per order for the customer id and a flag while loading), so it
 * peaks at about 150 MB for those; the builder stages whole rows and peaks
 * at about 230 MB. */
#ifndef ECRM_ANALYTICS_SNAPSHOT_H
#define ECRM_ANALYTICS_SNAPSHOT_H

#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

typedef struct {
	/* Margin of an order without a cost, as a share of its total; negative:
	 * infer it from the orders with a known cost (see above). */
	double margin_ratio;
	int threads; /* for reading and grouping; < 1 means 1 */
	/* The store's URI: with threads > 1, part of the tables is read on a
	 * second handle opened on it, in parallel (see snapshot_load). NULL:
	 * everything is read on the handle given. */
	const char *uri;
} snapshot_options;

typedef struct {
	int32_t n_customers;
	int64_t *customer_id; /* [n_customers], ascending */
	int32_t *created_day; /* [n_customers], day of customers.created_at */

	int64_t n_orders;
	int64_t *order_start;  /* [n_customers + 1] */
	int32_t *order_cust;   /* [n_orders] customer index */
	int32_t *order_day;    /* [n_orders] day of placed_at */
	int64_t *order_total;  /* [n_orders] orders.total: what the customer paid */
	int64_t *order_margin; /* [n_orders] see the header comment */
	int32_t *order_items;  /* [n_orders] units over all lines */

	int64_t n_returns;
	int64_t *return_start;	/* [n_customers + 1] */
	int32_t *return_cust;	/* [n_returns] customer index */
	int32_t *return_day;	/* [n_returns] day of returned_at */
	int64_t *return_amount; /* [n_returns] positive: given back */

	int32_t first_order_day, last_order_day; /* 0 when there is no order */
	int64_t orders_cost_unknown;		 /* orders whose margin came from margin_ratio */
	int64_t orders_skipped;			 /* pointing at a merged-away or unknown customer */
	int64_t returns_skipped;		 /* no customer known, or merged away */
	double margin_ratio;			 /* the ratio applied to orders without cost */
	int read_handles; /* store handles snapshot_load read with (1 or 2) */
} snapshot;

/* Defaults: infer the margin ratio, one thread. */
void snapshot_options_default(snapshot_options *o);

/* Loads the snapshot from `st` inside one read transaction (a consistent
 * view while imports write), or, with opt->uri and threads > 1, in two
 * read transactions on two handles that see the same state
 * (store_begin_read_pair), reading in parallel (each handle a range of
 * customer ids); one handle when the store cannot pair them now. When `st`
 * is inside a transaction already, that one is joined and one handle
 * reads. `opt` may be NULL for the defaults. On
 * success the caller owns `out` (snapshot_release). O(C + O + R log R)
 * time where C = customers, O = orders, R = returns: orders come from the
 * store grouped by customer and in time order (an index-only scan of
 * orders_customer, migration 009) and are kept as they come; returns are
 * grouped with a counting sort. */
status snapshot_load(store *st, const snapshot_options *opt, snapshot *out, err *e) MUST_CHECK;

/* Frees the arrays and zeroes `s`; a zeroed snapshot is harmless. */
void snapshot_release(snapshot *s);

/* Building a snapshot from rows in any order: what snapshot_load does with
 * the rows it reads, and what tests use to make snapshots without SQL.
 * Customers first, in ascending id order; then orders and returns. */
typedef struct snapshot_builder snapshot_builder;

snapshot_builder *snapshot_builder_new(void);
/* Adds a customer; E_INVAL when `id` is not above the previous one, or
 * when orders or returns were added already. */
status snapshot_add_customer(snapshot_builder *b, int64_t id, int64_t created_at,
			     err *e) MUST_CHECK;
/* Adds an order of customer `customer_id` placed at `placed_at` (Unix
 * seconds); `cogs_known` false when the cost is unknown. An unknown
 * customer is skipped and counted in orders_skipped. */
void snapshot_add_order(snapshot_builder *b, int64_t customer_id, int64_t placed_at, int64_t total,
			int64_t cogs, bool cogs_known, int32_t items);
/* Adds a return of `amount` minor units at `returned_at` (Unix seconds). */
void snapshot_add_return(snapshot_builder *b, int64_t customer_id, int64_t returned_at,
			 int64_t amount);
/* Groups and sorts what was added into `out` and frees the builder. */
void snapshot_builder_finish(snapshot_builder *b, const snapshot_options *opt, snapshot *out);
/* Frees a builder that will not be finished; NULL is harmless. */
void snapshot_builder_free(snapshot_builder *b);

/* The Unix day of a Unix time in seconds (rounding towards minus infinity). */
static inline int32_t snapshot_day(int64_t unix_seconds)
{
	int64_t d = unix_seconds / 86400;
	if (unix_seconds % 86400 < 0)
		d--;
	return (int32_t)d;
}

/* The customer index of `customer_id`, or -1 when it is not in `s`.
 * O(log n). */
int32_t snapshot_find(const snapshot *s, int64_t customer_id);

#endif
