/* product.h: a catalogue entry, keyed by the shop's SKU. */
#ifndef ECRM_DOMAIN_PRODUCT_H
#define ECRM_DOMAIN_PRODUCT_H

#include "domain/domain.h"

typedef struct {
	int64_t id;
	const char *sku;
	const char *name;
	const char *category;
	int64_t price; /* minor units */
	opt_i64 cost;  /* minor units; unset when the shop does not say */
	const char *currency;
	int64_t created_at;
	int64_t updated_at;
} product;

status product_validate(const product *p, err *e) MUST_CHECK;
/* Inserts or updates by SKU: a set name, category, price or cost replaces
 * the stored one. Sets p->id; `*res` (may be NULL) says what happened. */
status product_save(store *st, product *p, save_result *res, err *e) MUST_CHECK;
status product_load(store *st, int64_t id, arena *a, product *out, err *e) MUST_CHECK;

#endif
