/* woo_customers.c: WooCommerce's Analytics > Customers download (Name,
 * Username, Role, Last active, Date registered, Email, Orders, Total
 * spend, AOV, Country / Region, City, Region, Postal code). It carries no
 * numeric customer id, and guests (who checked out without an account)
 * are listed too, so customers are recognised by email; the username,
 * role, last activity and the shop's own counts are kept as attributes.
 * Date registered becomes the customer's created_at. WooCommerce writes
 * store-local times without a zone: they are read as UTC. */
#include "ingest/shop_common.h"
#include "ingest/normalize.h"

enum {
	W_NAME, W_USERNAME, W_ROLE, W_LAST_ACTIVE, W_REGISTERED, W_EMAIL, W_ORDERS, W_SPEND, W_AOV,
	W_COUNTRY, W_CITY, W_REGION, W_POSTCODE, W__COUNT
};

static const char *const column_names[W__COUNT] = {
	[W_NAME] = "Name",
	[W_USERNAME] = "Username",
	[W_ROLE] = "Role",
	[W_LAST_ACTIVE] = "Last active",
	[W_REGISTERED] = "Date registered|Sign up",
	[W_EMAIL] = "Email",
	[W_ORDERS] = "Orders",
	[W_SPEND] = "Total spend",
	[W_AOV] = "AOV|Average order value",
	[W_COUNTRY] = "Country / Region|Country/Region|Country",
	[W_CITY] = "City",
	[W_REGION] = "Region",
	[W_POSTCODE] = "Postal code|Postcode",
};

typedef struct {
	int col[W__COUNT];
	int decimals;
} wc_state;

static int wc_detect(const csv_row *h)
{
	bool shop = shop_header_has(h, "Total spend") || shop_header_has(h, "AOV") ||
		    shop_header_has(h, "Last active") || shop_header_has(h, "Date registered");

	return shop_header_has(h, "Email") && shop_header_has(h, "Username") && shop ? 90 : 0;
}

static status wc_begin(import_ctx *cx, const csv_row *header, err *e)
{
	wc_state *s = import_state_alloc(cx, sizeof(*s));
	const char *currency = import_opts(cx)->currency;

	for (int c = 0; c < W__COUNT; c++)
		s->col[c] = import_column(cx, header, column_names[c]);
	if (s->col[W_EMAIL] < 0)
		return err_set(e, E_INVAL, "the woocommerce customers format needs an Email column");
	s->decimals = currency_decimals(currency ? currency : "USD");
	return E_OK;
}

/* attrs[key] = the amount in column `c` as "12.50", when given. */
static status amount_attribute(import_ctx *cx, wc_state *s, const csv_row *row, int c,
			       const char *key, json_t *attrs, err *e)
{
	int64_t v;
	char buf[32];
	status rc;

	if (!shop_text(import_batch_arena(cx), row, s->col[c]))
		return E_OK;
	if ((rc = shop_amount(cx, row, s->col[c], s->decimals, 0, &v, e)))
		return rc;
	shop_format_amount(v, s->decimals, buf, sizeof(buf));
	json_object_set_new(attrs, key, json_string(buf));
	return E_OK;
}

static status wc_row(import_ctx *cx, const csv_row *row, err *e)
{
	wc_state *s = import_state(cx);
	arena *a = import_batch_arena(cx);
	const int *col = s->col;
	json_t *attrs = json_object();
	int64_t last_active, orders, id;
	const char *v;
	size_t n;
	customer c;
	status rc;

	customer_init(&c);
	v = import_field(row, col[W_EMAIL], &n);
	if (!(c.email = normalize_email(a, v, n))) {
		rc = import_bad(cx, col[W_EMAIL], "missing: customers are recognised by email");
		goto out;
	}
	v = import_field(row, col[W_NAME], &n);
	c.name = normalize_name(a, v, n);
	c.country = shop_country(shop_text(a, row, col[W_COUNTRY]));
	v = import_field(row, col[W_CITY], &n);
	c.city = normalize_name(a, v, n);
	c.region = shop_text(a, row, col[W_REGION]);
	c.postcode = shop_text(a, row, col[W_POSTCODE]);
	if ((rc = shop_time(cx, row, col[W_REGISTERED], 0, &c.created_at, e)) ||
	    (rc = shop_time(cx, row, col[W_LAST_ACTIVE], 0, &last_active, e)) ||
	    (rc = shop_count(cx, row, col[W_ORDERS], 0, &orders, e)) ||
	    (rc = amount_attribute(cx, s, row, W_SPEND, "total_spend", attrs, e)) ||
	    (rc = amount_attribute(cx, s, row, W_AOV, "aov", attrs, e)))
		goto out;
	shop_json_set(attrs, "username", shop_text(a, row, col[W_USERNAME]));
	shop_json_set(attrs, "role", shop_text(a, row, col[W_ROLE]));
	shop_json_set_time(attrs, "last_active", last_active);
	if (shop_text(a, row, col[W_ORDERS]))
		json_object_set_new(attrs, "orders", json_integer(orders));
	c.attributes = shop_json_dump(a, attrs);
	rc = shop_customer(cx, &c, col[W_EMAIL], -1, &id, e);
out:
	json_decref(attrs);
	return rc;
}

const import_format import_format_woo_customers = {
	.name = "woocommerce",
	.kind = IMPORT_CUSTOMERS,
	.detect = wc_detect,
	.begin = wc_begin,
	.row = wc_row,
};
