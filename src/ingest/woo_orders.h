/* woo_orders.h: the two layouts the woocommerce orders format reads
 * (woo_orders.c picks one from the header): the export plugins' one row
 * per order (or per line item) with billing_* columns, and WooCommerce's
 * own Analytics > Orders download (woo_analytics.c). Internal to the two. */
#ifndef ECRM_INGEST_WOO_ORDERS_H
#define ECRM_INGEST_WOO_ORDERS_H

#include "ingest/format.h"

/* Every layout's state starts with this, so the format can dispatch. */
typedef enum { WOO_PLUGIN = 1, WOO_ANALYTICS } woo_layout;

/* True when `h` is the Analytics > Orders download. */
bool woo_analytics_matches(const csv_row *h);
status woo_analytics_begin(import_ctx *cx, const csv_row *header, err *e) MUST_CHECK;
status woo_analytics_row(import_ctx *cx, const csv_row *row, err *e) MUST_CHECK;
status woo_analytics_finish(import_ctx *cx, err *e) MUST_CHECK;
void woo_analytics_release(void *state);

/* The status ecrm keeps for a WooCommerce status ("wc-completed",
 * "Processing" ...): completed and processing are completed; the others
 * (cancelled, refunded, failed, pending, on-hold ...) stay, lower-case,
 * without "wc-". From `a`. */
const char *woo_status(arena *a, const char *given);

#endif
