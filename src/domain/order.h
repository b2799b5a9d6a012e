/* order.h: an order and its lines. Totals are integer minor units in the
 * order's currency; `placed_at` is Unix seconds UTC. */
#ifndef ECRM_DOMAIN_ORDER_H
#define ECRM_DOMAIN_ORDER_H

#include "domain/domain.h"

typedef struct {
	int line_no;    /* 1-based position in the order */
	int64_t product_id;
	int64_t qty;
	int64_t unit_price;
	opt_i64 unit_cost;
} order_item;

typedef struct {
	int64_t id;
	const char *external_id; /* the shop's order id: the idempotency key */
	int64_t customer_id;     /* 0: guest order */
	const char *channel;     /* web, store, phone, ... */
	const char *status;      /* completed, pending, cancelled, refunded ... */
	int64_t placed_at;
	const char *currency;
	int64_t subtotal;
	int64_t discount;
	int64_t shipping;
	int64_t tax;
	int64_t total;
	opt_i64 cogs;       /* sum of qty x unit cost when every line has a cost */
	int64_t item_count; /* units over all lines */
	const char *guest_email;
	const char *attributes; /* JSON object */
	order_item *items;
	size_t n_items;
} order;

/* Fills subtotal (when 0), total (when 0), item_count and cogs from the
 * lines, so callers that only know the lines get consistent totals. */
void order_compute_totals(order *o);

status order_validate(const order *o, err *e) MUST_CHECK;

/* The select list order_from_row reads: the header of `orders`, aliased
 * `o` (joins name other tables' id columns too). */
#define ORDER_ROW_COLUMNS                                                                          \
	"o.id, o.external_id, o.customer_id, o.channel, o.status, o.placed_at, o.currency, "       \
	"o.subtotal, o.discount, o.shipping, o.tax, o.total, o.cogs, o.item_count, "               \
	"o.guest_email, o.attributes"
/* Reads an order's header from the current row of `s` (ORDER_ROW_COLUMNS
 * from column 0) into `o`, strings into `a`. The guest email stays as
 * stored (sealed); items are left NULL. */
void order_from_row(stmt *s, arena *a, order *o);

/* The stored header columns order_header_matches reads (of `orders`). */
#define ORDER_MATCH_COLUMNS                                                                \
	"customer_id, channel, status, placed_at, currency, subtotal, discount, shipping, " \
	"tax, total, cogs, item_count, guest_email, attributes"
/* Whether the stored header in the current row of `s` (ORDER_MATCH_COLUMNS
 * from column `col`) is what order_save writes for `o`, leaving out the
 * guest email (col + 12), which is sealed: the caller compares it. */
bool order_header_matches(stmt *s, int col, const order *o);
/* Whether the stored line in the current row (product_id, qty, unit_price,
 * unit_cost from column `col`) is `it`. */
bool order_item_matches(stmt *s, int col, const order_item *it);
/* Inserts or updates by external_id, lines included (lines past the new
 * count are deleted). Sets o->id; `*res` says whether it was new, changed
 * or identical (may be NULL). */
status order_save(store *st, order *o, save_result *res, err *e) MUST_CHECK;
/* Inserts a new order with its lines, no lookup (bulk loads into a fresh
 * database). E_CONFLICT when the external id exists. */
status order_insert(store *st, order *o, err *e) MUST_CHECK;
/* Adds `fragment`'s lines (numbered after the stored ones by the caller) to
 * the stored order with the same external_id and recomputes its subtotal,
 * total, unit count and cost of goods; the stored header otherwise stays.
 * For files where one order's lines are not together. Uses `a` for the
 * combined lines. */
status order_append_lines(store *st, order *fragment, arena *a, err *e) MUST_CHECK;
/* ids[i] = the id of the order with external id ext[i], 0 when none (one
 * statement per DOMAIN_LOOKUP_KEYS ids: bulk imports). */
status order_ids_by_external(store *st, const char *const *ext, size_t n, int64_t *ids,
			     err *e) MUST_CHECK;
/* Loads order `id` with its lines (allocated from `a`). */
status order_load(store *st, int64_t id, arena *a, order *out, err *e) MUST_CHECK;

#endif
