/* webhook.h: orders arriving as JSON: from our own API (POST /api/orders
 * and the generic signed webhook) and from Shopify's order webhooks. The
 * mapping resolves (or creates) the customer and the products, then the
 * caller saves the order by external id, so a repeated delivery changes
 * nothing.
 *
 * Ids match the Shopify CSV importer: an order is "shopify:" + its `name`
 * ("shopify:#1001"), a customer "shopify:" + customer.id, a product its SKU
 * or "name:" + the line's title when it has none.
 *
 * Errors: E_INVAL with a message that starts with the member's path
 * ("items.0.qty: must be above 0"); *shape is set when the JSON has the
 * wrong shape (a type, a missing member: HTTP 400) rather than a value the
 * domain refuses (HTTP 422). */
#ifndef ECRM_INGEST_WEBHOOK_H
#define ECRM_INGEST_WEBHOOK_H

#include "core/arena.h"
#include "domain/customer.h"
#include "domain/order.h"
#include "domain/product.h"

#include "core/json.h"

/* Room for a hex HMAC-SHA256 and its NUL. */
#define WEBHOOK_HEX_SIZE 65

/* HMAC-SHA256 of body[0..n) with `secret`, as lower-case hex. */
void webhook_sign_hex(const char *secret, const void *body, size_t n, char out[WEBHOOK_HEX_SIZE]);
/* The same as standard base64 (Shopify's X-Shopify-Hmac-Sha256), in `a`. */
const char *webhook_sign_base64(arena *a, const char *secret, const void *body, size_t n);

/* Whether `header` is "sha256=<hex>" of the body under `secret` (our
 * X-Ecrm-Signature). False for an empty secret or a missing header. The
 * comparison takes the same time wherever the first difference is. */
bool webhook_verify_hex(const char *secret, const void *body, size_t n, const char *header);
/* Whether `header` is the base64 HMAC of the body (X-Shopify-Hmac-Sha256). */
bool webhook_verify_base64(const char *secret, const void *body, size_t n, const char *header);

/* Finds the customer `c` describes (shop id, then email, then phone;
 * merges followed) and updates what it says, or inserts it. *id gets the
 * live id; *created whether it was new (may be NULL). */
status webhook_customer(store *st, arena *a, customer *c, int64_t *id, bool *created,
			err *e) MUST_CHECK;

/* Builds `o` from our order JSON (see docs/openapi.yaml, OrderInput),
 * saving the customer and products it names. `region` is the country of
 * national phone numbers. Strings live in `a`. */
status webhook_order_build(store *st, arena *a, const json_t *j, const char *region, order *o,
			   bool *shape, err *e) MUST_CHECK;

/* Builds `o` from a Shopify order (orders/create, orders/updated,
 * orders/paid ... webhooks), saving its customer and products. */
status webhook_shopify_build(store *st, arena *a, const json_t *j, const char *region, order *o,
			     bool *shape, err *e) MUST_CHECK;

#endif
