/* baskets_db.h: loads the orders and their products from the store for
 * basket analysis and recommendations: orders as lists of distinct
 * products, under dense customer and product indexes, from which come the
 * baskets by order, the baskets by customer and the customer x product
 * matrix. Besides snapshot.c, the only analytics code that runs SQL.
 *
 * What is read: every order line with a product and a quantity above 0
 * (order_items.qty > 0: adjustments and negative lines are not purchases);
 * cancellations and returns, which live in `returns`, are not subtracted: a
 * product bought and sent back still tells what the customer wanted.
 * An order's customer is orders.customer_id unless that customer was merged
 * away (then it counts as a guest order, as the snapshot does); guest
 * orders are baskets by order but belong to no customer. */
#ifndef ECRM_ANALYTICS_BASKETS_DB_H
#define ECRM_ANALYTICS_BASKETS_DB_H

#include "analytics/rec_matrix.h"
#include "core/arena.h"
#include "store/db.h"

typedef struct {
	/* SKUs whose lines are ignored (e.g. postage, fees); NULL-ended, may be
	 * NULL. An SKU that is not in products is an error (E_NOTFOUND). */
	const char *const *exclude_skus;
} baskets_db_options;

/* Orders in ascending id order; order o was placed by customer index
 * order_user[o] (REC_NONE: guest) and holds the product indexes
 * items[offsets[o] .. offsets[o + 1]), ascending, each once. Customers
 * (those with at least one order line read) and products (those on at least
 * one line read) are indexed densely in ascending id order. */
typedef struct {
	size_t n_orders;
	int64_t *order_id;
	uint32_t *order_user;
	int64_t *order_time; /* placed_at, Unix seconds */
	size_t *offsets;     /* n_orders + 1 */
	uint32_t *items;
	size_t n_lines; /* order lines read (before merging repeats) */

	uint32_t n_customers;
	int64_t *customer_id;
	uint32_t n_products;
	int64_t *product_id;
	/* Filled by baskets_db_load_names: borrowed from `names`. */
	const char **sku, **name;
	arena names;
} baskets_db;

/* Loads from `st` in one read transaction. `o` may be NULL. `out` is set
 * up here; release it with baskets_db_release, also after an error.
 * O(L log L) for L lines; 8 bytes per line and about 28 per order while
 * loading, 4 per distinct (order, product) after. */
MUST_CHECK status baskets_db_load(store *st, const baskets_db_options *o, baskets_db *out, err *e);

/* Reads the SKU and name of every product in `d` into d->sku, d->name. */
MUST_CHECK status baskets_db_load_names(store *st, baskets_db *d, err *e);

void baskets_db_release(baskets_db *d);

/* A view of the orders for rec_eval (borrowed from `d`). */
rec_orders baskets_db_orders(const baskets_db *d);

/* The customer x product matrix (rows: customer indexes): binary, or the
 * number of orders holding the product. */
MUST_CHECK status baskets_db_user_items(const baskets_db *d, rec_weighting w, rec_matrix *out,
					err *e);

/* The index of customer (product) `id`, or REC_NONE. Binary search. */
uint32_t baskets_db_customer_index(const baskets_db *d, int64_t id);
uint32_t baskets_db_product_index(const baskets_db *d, int64_t id);

#endif
