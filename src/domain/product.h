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
/* The columns product_from_row reads (of `products`). */
#define PRODUCT_COLUMNS "id, sku, name, category, price, cost, currency, created_at, updated_at"
/* Reads PRODUCT_COLUMNS of the current row of `s` into `p`, strings into `a`. */
void product_from_row(stmt *s, arena *a, product *p);
/* Binds what product_insert and product_update both write, at the same
 * places: $2 name ("" when unset), $3 category, $4 price, $5 cost, $6
 * currency (USD when unset). */
void product_bind_fields(stmt *s, const product *p);
/* The stored columns product_changes reads (of `products`). */
#define PRODUCT_MATCH_COLUMNS "name, category, price, cost"
/* Whether product_save would change the stored product in the current row
 * of `s` (PRODUCT_MATCH_COLUMNS from column `col`) to save `p`: only the
 * fields `p` sets count. */
bool product_changes(stmt *s, int col, const product *p);
/* Inserts `p` as a new product (sets p->id); product_save's insert. */
status product_insert(store *st, product *p, err *e) MUST_CHECK;
/* Inserts or updates by SKU: a set name, category, price or cost replaces
 * the stored one. Sets p->id; `*res` (may be NULL) says what happened. */
status product_save(store *st, product *p, save_result *res, err *e) MUST_CHECK;
status product_load(store *st, int64_t id, arena *a, product *out, err *e) MUST_CHECK;

#endif
