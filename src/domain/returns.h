/* returns.h: cancellations, returns and refunds. Never revenue: analytics
 * subtract them from the customer's spend. */
#ifndef ECRM_DOMAIN_RETURNS_H
#define ECRM_DOMAIN_RETURNS_H

#include "domain/domain.h"

typedef struct {
	int64_t id;
	const char *external_id; /* idempotency key */
	const char *kind;        /* return, cancellation, refund */
	int64_t order_id;        /* 0 when the original order is unknown */
	int64_t customer_id;     /* 0 for a guest */
	int64_t product_id;      /* 0 for a whole-order refund */
	int64_t qty;             /* units given back (positive) */
	int64_t amount;          /* minor units given back (positive) */
	const char *currency;
	const char *reason;
	int64_t returned_at;
} return_record;

status return_validate(const return_record *r, err *e) MUST_CHECK;
/* The stored columns return_matches reads (of `returns`). */
#define RETURN_MATCH_COLUMNS                                                            \
	"kind, order_id, customer_id, product_id, qty, amount, currency, reason, returned_at"
/* Whether the stored return in the current row of `s` (RETURN_MATCH_COLUMNS
 * from column `col`) is what return_save writes for `r`. */
bool return_matches(stmt *s, int col, const return_record *r);
/* Inserts or updates by external_id; sets r->id and `*res` (may be NULL). */
status return_save(store *st, return_record *r, save_result *res, err *e) MUST_CHECK;
/* Inserts a return known to be new, without a lookup and without setting
 * r->id (bulk imports: the store may send such rows together). E_CONFLICT
 * when the external id exists after all. */
status return_insert(store *st, const return_record *r, err *e) MUST_CHECK;
/* ids[i] = the id of the return with external id ext[i], 0 when none. */
status return_ids_by_external(store *st, const char *const *ext, size_t n, int64_t *ids,
			      err *e) MUST_CHECK;

#endif
