/* handlers.h: every HTTP handler, for the route table in routes.c. One file
 * per resource under handlers/; each handler parses, authorises (the table
 * already checked the role), calls one domain function and renders. */
#ifndef ECRM_HTTP_HANDLERS_H
#define ECRM_HTTP_HANDLERS_H

#include "domain/order.h"
#include "http/request.h"

/* system.c */
status h_healthz(http_req *r, err *e);
status h_metrics(http_req *r, err *e);
status h_openapi(http_req *r, err *e);
/* ../static.c: the embedded web UI */
status h_web_index(http_req *r, err *e);
status h_web_static(http_req *r, err *e);
/* Whether the embedded web UI has the file `name` ("i18n/en.json"). */
bool h_web_has(const char *name);
/* session.c */
status h_login(http_req *r, err *e);
status h_logout(http_req *r, err *e);
status h_me(http_req *r, err *e);
/* The caller as /api/me shows it, with the user's UI language (may be NULL). */
json_t *h_me_json(const http_identity *who, const char *locale);
/* account.c */
status h_me_update(http_req *r, err *e);
status h_me_password(http_req *r, err *e);
/* dashboard.c */
status h_dashboard_kpis(http_req *r, err *e);
status h_dashboard_monthly(http_req *r, err *e);
status h_dashboard_pareto(http_req *r, err *e);
/* users.c */
status h_users_list(http_req *r, err *e);
status h_users_create(http_req *r, err *e);
status h_user_get(http_req *r, err *e);
status h_user_update(http_req *r, err *e);
/* apikeys.c */
status h_apikeys_list(http_req *r, err *e);
status h_apikeys_create(http_req *r, err *e);
status h_apikey_revoke(http_req *r, err *e);
/* audit.c */
status h_audit_list(http_req *r, err *e);
status h_audit_verify(http_req *r, err *e);
/* customers.c */
status h_customers_list(http_req *r, err *e);
status h_customers_create(http_req *r, err *e);
status h_customers_duplicates(http_req *r, err *e);
status h_customer_duplicates(http_req *r, err *e);
status h_customers_tags(http_req *r, err *e);
status h_customer_get(http_req *r, err *e);
status h_customer_update(http_req *r, err *e);
status h_customer_erase(http_req *r, err *e);
status h_customer_merge(http_req *r, err *e);
status h_customer_unmerge(http_req *r, err *e);
status h_customer_export(http_req *r, err *e);
/* products.c */
status h_products_list(http_req *r, err *e);
status h_products_create(http_req *r, err *e);
status h_product_get(http_req *r, err *e);
status h_product_update(http_req *r, err *e);
/* orders.c */
status h_orders_list(http_req *r, err *e);
status h_orders_create(http_req *r, err *e);
status h_order_get(http_req *r, err *e);
/* interactions.c */
status h_interactions_list(http_req *r, err *e);
status h_interactions_create(http_req *r, err *e);
/* imports.c */
status h_imports_list(http_req *r, err *e);
status h_imports_create(http_req *r, err *e);
status h_import_get(http_req *r, err *e);
/* webhooks.c */
status h_webhook_shopify_orders(http_req *r, err *e);
status h_webhook_orders(http_req *r, err *e);
/* The secret endpoint `name` ("orders", "shopify") checks signatures with:
 * the database's when set, else ecrm.conf's, else "". `*from` (may be
 * NULL) gets "database", "config" or "none". Borrowed from the arena or
 * the settings. */
status h_webhook_secret(http_req *r, const char *name, const char **secret, const char **from,
			err *e) MUST_CHECK;
/* ecrm.conf's secret for endpoint `name`, "" when none. */
const char *h_webhook_config_secret(const http_req *r, const char *name);
/* settings.c: webhook secrets kept in the database */
status h_settings_webhooks(http_req *r, err *e);
status h_settings_webhook_set(http_req *r, err *e);
status h_settings_webhook_clear(http_req *r, err *e);

/* common.c: helpers the resource handlers share. */
/* Whether the caller's role may see personal data unmasked (user.h). */
bool h_sees_pii(const http_req *r);
/* ?limit: 1..200, default 50 (400 otherwise). */
status h_limit(http_req *r, int64_t *limit, err *e) MUST_CHECK;
/* An opaque page cursor for the row (`id`, sort `key`) of listing `kind`. */
const char *h_cursor_encode(arena *a, const char *kind, int64_t id, const char *key);
/* Reads ?cursor of listing `kind`: *id = 0 when absent; 400 when it is not
 * a cursor of that listing. `*key` is borrowed from the arena. */
status h_cursor_decode(http_req *r, const char *kind, int64_t *id, const char **key,
		       err *e) MUST_CHECK;
/* A time query parameter (Unix seconds or ISO 8601); 400 when it is not one. */
status h_query_time(http_req *r, const char *name, int64_t *out, bool *present, err *e) MUST_CHECK;
/* A time member (Unix seconds or an ISO 8601 string). */
status h_json_time(http_req *r, const json_t *o, const char *key, int64_t *out, bool *present,
		   err *e) MUST_CHECK;
/* An integer money member in minor units, not negative. */
status h_json_money(http_req *r, const json_t *o, const char *key, int64_t *out, bool *present,
		    err *e) MUST_CHECK;
/* A page reply, written straight as JSON: h_page_begin opens
 * {"NAME":[ and returns the writer for the rows; h_page_end closes the
 * array, adds "next_cursor" (`cursor`, NULL: last page) and "limit", and
 * replies 200. */
json_out *h_page_begin(http_req *r, const char *name);
void h_page_end(http_req *r, const char *cursor, int64_t limit);
/* Fails the request with 422 about `field`: returns E_INVAL. */
status h_invalid(http_req *r, err *e, const char *field, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* Builds an order from a request body (ingest/webhook.h:
 * webhook_order_build for our order JSON, webhook_shopify_build for
 * Shopify's); `*shape` says a failure is about the body's shape. */
typedef status (*h_order_builder)(store *st, arena *a, const json_t *j, const char *region,
				  order *o, bool *shape, err *e);
/* Builds an order from `body` with `build` and saves it (orders.c); 400
 * for a body of the wrong shape, 422 for values refused. */
status h_orders_save(http_req *r, h_order_builder build, const json_t *body, order *o,
		     save_result *res, err *e) MUST_CHECK;
/* analytics.c */
status h_analytics_get(http_req *r, err *e);
status h_analytics_run_start(http_req *r, err *e);
status h_analytics_run_get(http_req *r, err *e);
/* recommend.c */
status h_customer_recommendations(http_req *r, err *e);
status h_product_similar(http_req *r, err *e);
status h_product_bought_together(http_req *r, err *e);
status h_basket_rules(http_req *r, err *e);

#endif
