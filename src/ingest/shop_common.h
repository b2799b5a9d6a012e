/* shop_common.h: what the shop platform formats (Shopify, WooCommerce)
 * share: fields read without the spreadsheet apostrophe, amounts, counts and
 * times that mark the row bad at their own column, product keys, JSON
 * attributes, and a per-run memo of the customers met in an orders file. */
#ifndef ECRM_INGEST_SHOP_COMMON_H
#define ECRM_INGEST_SHOP_COMMON_H

#include "core/strmap.h"
#include "ingest/format.h"

#include <jansson.h>

/* Flags for the field readers below. */
enum {
	SHOP_REQUIRED = 1,    /* an empty field is bad ("missing") */
	SHOP_NEGATIVE_OK = 2, /* a negative amount is accepted */
};

/* Field `col` of `row` trimmed and without the apostrophe spreadsheets and
 * Shopify put before ids, zips and phones; NULL when empty or col < 0.
 * Allocated from `a`. */
const char *shop_text(arena *a, const csv_row *row, int col);

/* Field `col` as an amount in minor units with `decimals` places; 0 when
 * empty. A value that is not an amount (or negative without
 * SHOP_NEGATIVE_OK, or empty with SHOP_REQUIRED) marks the row bad at `col`
 * and returns E_INVAL. */
status shop_amount(import_ctx *cx, const csv_row *row, int col, int decimals, unsigned flags,
		   int64_t *out, err *e) MUST_CHECK;
/* Field `col` as a whole number >= 0 (0 when empty), else bad at `col`. */
status shop_count(import_ctx *cx, const csv_row *row, int col, unsigned flags, int64_t *out,
		  err *e) MUST_CHECK;
/* Field `col` as a timestamp (0 when empty), else bad at `col`. */
status shop_time(import_ctx *cx, const csv_row *row, int col, unsigned flags, int64_t *out,
		 err *e) MUST_CHECK;

/* Writes `v` minor units with `decimals` places ("-12.50") into buf. */
void shop_format_amount(int64_t v, int decimals, char *buf, size_t size);

/* The product key of an order line: its SKU, or "name:" and the product
 * name (cut at a character boundary to the 100-byte SKU limit) for shops
 * that sell without SKUs; NULL when both are NULL. From `a`. */
const char *shop_product_key(arena *a, const char *sku, const char *name);
/* `x` and `y` joined by `sep`; either alone when the other is NULL. */
const char *shop_join(arena *a, const char *x, const char *y, const char *sep);
/* The ISO 3166 alpha-2 code of a country code or name; the text as given
 * when unknown; NULL for NULL. */
const char *shop_country(const char *s);
/* The phone in E.164, or NULL when it is empty or cannot be a phone number
 * (order forms hold free text such as "n/a": the order is kept, the phone
 * dropped). `country` (ISO code or NULL) picks the region for national
 * numbers, else the import's --region. */
const char *shop_phone(import_ctx *cx, arena *a, const char *phone, const char *country);

/* obj[key] = value (a string) when value is not NULL. */
void shop_json_set(json_t *obj, const char *key, const char *value);
/* obj[key] = the time `t` as "2026-04-05T17:06:21Z" when t != 0. */
void shop_json_set_time(json_t *obj, const char *key, int64_t t);
/* `obj` as compact JSON with sorted keys (stable, so a re-import compares
 * equal), from `a`; NULL when the object is empty. */
const char *shop_json_dump(arena *a, const json_t *obj);

/* True when the header has a column named `name` (case-insensitive). */
bool shop_header_has(const csv_row *h, const char *name);

/* Checks `c` as the store will (customer_validate); a bad email or phone
 * marks the row bad at `email_col` / `phone_col` (else the whole row). */
status shop_customer_check(import_ctx *cx, const customer *c, int email_col, int phone_col,
			   err *e) MUST_CHECK;
/* Resolves `c` with import_customer; an email or phone the customer record
 * refuses marks the row bad at `email_col` / `phone_col` (else the row). */
status shop_customer(import_ctx *cx, customer *c, int email_col, int phone_col, int64_t *id,
		     err *e) MUST_CHECK;

/* The customers of an orders file, resolved once per run by a key (their
 * email or shop id): the first order met gives the profile (the current
 * one when the export lists the newest first), so a customer whose address
 * changed between orders is not rewritten back and forth, and importing
 * the file again finds nothing to change. The earliest order date met of
 * each becomes the customer's created_at at the end. Bounded like the
 * engine's caches. */
typedef struct {
	strmap id;       /* key -> customer id */
	strmap given;    /* key -> created_at given when resolved */
	strmap earliest; /* key -> an earlier order date met afterwards */
} shop_people;

void shop_people_init(shop_people *p);
void shop_people_release(shop_people *p);
/* Resolves the customer `c` whose key is its email (`by_email`) or its
 * external id, once per run; `placed_at` is the order's date. */
status shop_people_resolve(import_ctx *cx, shop_people *p, customer *c, bool by_email,
			   int email_col, int phone_col, int64_t placed_at, int64_t *id,
			   err *e) MUST_CHECK;
/* Moves customers' created_at back to the earliest order met in the file. */
status shop_people_finish(import_ctx *cx, shop_people *p, err *e) MUST_CHECK;

#endif
