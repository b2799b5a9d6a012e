/* routes.c: THE route table (STYLE.md rule 10). One line per route: method,
 * pattern, handler, lowest role allowed, flags, summary. docs/openapi.yaml
 * must describe exactly these (tests/unit/http/test_routes.c checks). */
#include "http/handlers/handlers.h"

#define PUBLIC	HTTP_PUBLIC
#define NOSTORE (HTTP_PUBLIC | HTTP_NO_STORE)
#define SIGNED	(HTTP_PUBLIC | HTTP_SIGNED)

const http_route http_routes[] = {
	/* system */
	{HTTP_GET, "/healthz", h_healthz, ROLE_VIEWER, NOSTORE, "liveness"},
	{HTTP_GET, "/metrics", h_metrics, ROLE_VIEWER, 0, "Prometheus metrics"},
	{HTTP_GET, "/api/openapi.yaml", h_openapi, ROLE_VIEWER, NOSTORE, "this API's description"},
	/* web UI (static.c) */
	{HTTP_GET, "/", h_web_index, ROLE_VIEWER, NOSTORE, "the web UI"},
	{HTTP_GET, "/static/:build/*path", h_web_static, ROLE_VIEWER, NOSTORE, "the web UI's files"},
	/* sessions */
	{HTTP_POST, "/api/login", h_login, ROLE_VIEWER, PUBLIC | HTTP_OWN_TXN, "sign in"},
	{HTTP_POST, "/api/logout", h_logout, ROLE_VIEWER, 0, "sign out"},
	{HTTP_GET, "/api/me", h_me, ROLE_VIEWER, 0, "who am I"},
	{HTTP_POST, "/api/me/password", h_me_password, ROLE_VIEWER, HTTP_OWN_TXN, "change my password"},
	/* dashboard (handlers/dashboard.c) */
	{HTTP_GET, "/api/dashboard/kpis", h_dashboard_kpis, ROLE_VIEWER, 0, "KPIs of a period and the one before"},
	{HTTP_GET, "/api/dashboard/monthly", h_dashboard_monthly, ROLE_VIEWER, 0, "revenue, new and returning customers by month"},
	{HTTP_GET, "/api/dashboard/pareto", h_dashboard_pareto, ROLE_VIEWER, 0, "the Pareto curve of customer profit"},
	{HTTP_GET, "/api/dashboard/members", h_dashboard_members, ROLE_ANALYST, 0, "customers of an RFM segment, value tier or lifecycle stage"},
	/* users */
	{HTTP_GET, "/api/users", h_users_list, ROLE_ADMIN, 0, "list users"},
	{HTTP_POST, "/api/users", h_users_create, ROLE_ADMIN, HTTP_OWN_TXN, "add a user"},
	{HTTP_GET, "/api/users/:id", h_user_get, ROLE_ADMIN, 0, "one user"},
	{HTTP_PATCH, "/api/users/:id", h_user_update, ROLE_ADMIN, 0, "change role or disabled"},
	/* API keys */
	{HTTP_GET, "/api/apikeys", h_apikeys_list, ROLE_ADMIN, 0, "list API keys"},
	{HTTP_POST, "/api/apikeys", h_apikeys_create, ROLE_ADMIN, 0, "create an API key"},
	{HTTP_DELETE, "/api/apikeys/:id", h_apikey_revoke, ROLE_ADMIN, 0, "revoke an API key"},
	/* audit log */
	{HTTP_GET, "/api/audit", h_audit_list, ROLE_ADMIN, 0, "audit entries, newest first"},
	{HTTP_GET, "/api/audit/verify", h_audit_verify, ROLE_ADMIN, 0, "check the hash chain"},
	/* customers: roles without the personal-data permission see them masked */
	{HTTP_GET, "/api/customers", h_customers_list, ROLE_ANALYST, 0,
	 "customers: page, filter, search"},
	{HTTP_POST, "/api/customers", h_customers_create, ROLE_AGENT, 0, "add a customer"},
	{HTTP_GET, "/api/customers/duplicates", h_customers_duplicates, ROLE_AGENT, 0,
	 "likely duplicate pairs"},
	{HTTP_GET, "/api/customers/:id", h_customer_get, ROLE_ANALYST, 0, "the customer 360 view"},
	{HTTP_PATCH, "/api/customers/:id", h_customer_update, ROLE_AGENT, 0, "change some fields"},
	{HTTP_DELETE, "/api/customers/:id", h_customer_erase, ROLE_MANAGER, HTTP_PII,
	 "erase (right to be forgotten)"},
	{HTTP_POST, "/api/customers/:id/merge", h_customer_merge, ROLE_AGENT, 0,
	 "merge another record into this one"},
	{HTTP_POST, "/api/customers/:id/unmerge", h_customer_unmerge, ROLE_AGENT, 0,
	 "undo the merge of this record"},
	{HTTP_GET, "/api/customers/:id/export", h_customer_export, ROLE_AGENT, HTTP_PII,
	 "everything held about a customer"},
	/* products */
	{HTTP_GET, "/api/products", h_products_list, ROLE_VIEWER, 0, "products: page"},
	{HTTP_POST, "/api/products", h_products_create, ROLE_MANAGER, 0, "add a product"},
	{HTTP_GET, "/api/products/:id", h_product_get, ROLE_VIEWER, 0, "one product"},
	{HTTP_PATCH, "/api/products/:id", h_product_update, ROLE_MANAGER, 0, "change a product"},
	/* orders */
	{HTTP_GET, "/api/orders", h_orders_list, ROLE_ANALYST, 0, "orders: page, filter"},
	{HTTP_POST, "/api/orders", h_orders_create, ROLE_AGENT, 0, "add an order (idempotent)"},
	{HTTP_GET, "/api/orders/:id", h_order_get, ROLE_ANALYST, 0, "one order with its lines"},
	/* interactions */
	{HTTP_GET, "/api/interactions", h_interactions_list, ROLE_AGENT, HTTP_PII,
	 "a customer's touchpoints"},
	{HTTP_POST, "/api/interactions", h_interactions_create, ROLE_AGENT, 0, "log a touchpoint"},
	/* imports: a CSV body, run in the background */
	{HTTP_GET, "/api/imports", h_imports_list, ROLE_MANAGER, 0, "import jobs, newest first"},
	{HTTP_POST, "/api/imports", h_imports_create, ROLE_MANAGER, HTTP_RAW_BODY,
	 "upload a CSV to import"},
	{HTTP_GET, "/api/imports/:id", h_import_get, ROLE_MANAGER, 0,
	 "an import job and its bad rows"},
	/* webhooks: public, signature-checked */
	{HTTP_POST, "/api/webhooks/shopify/orders", h_webhook_shopify_orders, ROLE_VIEWER, SIGNED,
	 "Shopify order webhook"},
	{HTTP_POST, "/api/webhooks/orders", h_webhook_orders, ROLE_VIEWER, SIGNED,
	 "signed order webhook"},
	/* analytics: results of `ecrm analyze` and runs in the background */
	{HTTP_GET, "/api/analytics/:model", h_analytics_get, ROLE_ANALYST, 0,
	 "a model's latest results"},
	{HTTP_POST, "/api/analytics/run", h_analytics_run_start, ROLE_MANAGER, HTTP_OWN_TXN,
	 "start an analytics run"},
	{HTTP_GET, "/api/analytics/runs/:id", h_analytics_run_get, ROLE_ANALYST, 0,
	 "an analytics run's state"},
	/* recommendations and basket rules (recommend.c) */
	{HTTP_GET, "/api/customers/:id/recommendations", h_customer_recommendations, ROLE_MARKETER, 0,
	 "products to recommend to a customer, with the reason"},
	{HTTP_GET, "/api/products/:id/similar", h_product_similar, ROLE_VIEWER, 0,
	 "products bought by the same customers"},
	{HTTP_GET, "/api/products/:id/bought-together", h_product_bought_together, ROLE_VIEWER, 0,
	 "products often bought with this one (basket rules)"},
	{HTTP_GET, "/api/analytics/basket", h_basket_rules, ROLE_ANALYST, 0,
	 "association rules, filtered and paginated"},
};

const size_t http_routes_count = ARRAY_SIZE(http_routes);
