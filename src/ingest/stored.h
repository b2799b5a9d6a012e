/* stored.h: what the store holds for a chunk of an import's deferred saves,
 * read set-based: one statement per STORED_KEYS records instead of a few
 * round trips per record. On PostgreSQL the round trips were most of an
 * import's time, a re-import's above all (nothing to write, three lookups
 * per order). The comparisons are the ones the domain saves make
 * (order_save, return_save), so a record found `same` is one they would
 * leave unchanged. */
#ifndef ECRM_INGEST_STORED_H
#define ECRM_INGEST_STORED_H

#include "domain/order.h"
#include "domain/returns.h"

/* Records looked up per statement. */
#define STORED_KEYS 256

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

#endif
