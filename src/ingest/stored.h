/* stored.h: what the store holds for a chunk of an import's deferred saves,
 * read set-based: one statement per STORED_KEYS records instead of a few
 * round trips per record. On PostgreSQL the round trips were most of an
 * import's time, a re-import's above all (nothing to write, three lookups
 * per order). The comparisons are the domain saves' own
 * (order_header_matches, order_item_matches, return_matches,
 * product_changes), so a record found `same` is one they would leave
 * unchanged. */
#ifndef ECRM_INGEST_STORED_H
#define ECRM_INGEST_STORED_H

#include "domain/customer.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/returns.h"

/* Records looked up per statement. */
#define STORED_KEYS DOMAIN_LOOKUP_KEYS

/* For the orders o[0..n-1] (distinct external ids): ids[i] = the stored
 * order's id (0: none) and same[i] = true when the stored header and lines
 * equal o[i]'s, so order_save would change nothing. An order with a guest
 * email, given or stored, is never `same`: the stored one is sealed, the
 * caller saves it with order_save, which compares what it opens to. */
status stored_orders(store *st, const order *const *o, size_t n, int64_t *ids, bool *same,
		     err *e) MUST_CHECK;

/* The same for returns (distinct external ids), compared as return_save. */
status stored_returns(store *st, const return_record *const *r, size_t n, int64_t *ids,
		      bool *same, err *e) MUST_CHECK;

/* For the products p[0..n-1] (distinct SKUs): ids[i] = the stored
 * product's id (0: none) and same[i] = true when product_save would change
 * nothing. */
status stored_products(store *st, const product *const *p, size_t n, int64_t *ids, bool *same,
		       err *e) MUST_CHECK;

/* The customers whose external ids are keys[0..n-1] (distinct), loaded as
 * customer_load loads them (strings from `a`): found[i] says whether there
 * is one. A customer merged into another comes with out[i].merged_into
 * set: the caller follows the merge (customer_find). */
status stored_customers(store *st, const char *const *keys, size_t n, arena *a, customer *out,
			bool *found, err *e) MUST_CHECK;

#endif
