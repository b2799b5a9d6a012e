/* shopify_customers.c: Shopify's customers export, both layouts: the old
 * one (First Name, Last Name, Email, Company, Address1, Address2, City,
 * Province, Province Code, Country, Country Code, Zip, Phone, Accepts
 * Marketing, Total Spent, Total Orders, Tags, Note, Tax Exempt) and the
 * current one (Customer ID first, "Default Address ..." columns, Accepts
 * Email / SMS Marketing). One row per customer; ids and phones may carry a
 * leading apostrophe. A customer with a Customer ID is "shopify:<id>"
 * (the id in customer webhooks); without one it is found by email, then
 * phone.
 *
 * Kept as custom attributes: company, note, tax_exempt, total_spent,
 * total_orders, metafield columns under their metafield name ("Metafield:
 * custom.shoe_size [single_line_text_field]" and "Shoe size
 * (customer.metafields.custom.shoe_size)" both give "custom.shoe_size"),
 * and any other column under its header. */
#include "ingest/shop_common.h"
#include "ingest/normalize.h"
#include "core/xalloc.h"

#include <strings.h>

enum {
	C_ID, C_FIRST, C_LAST, C_EMAIL, C_ACCEPTS, C_COMPANY, C_ADDR1, C_ADDR2, C_CITY,
	C_PROVINCE_CODE, C_PROVINCE, C_COUNTRY_CODE, C_COUNTRY, C_ZIP, C_ADDR_PHONE, C_PHONE,
	C_SMS, C_SPENT, C_ORDERS, C_TAGS, C_NOTE, C_TAX_EXEMPT, C__COUNT
};

static const char *const column_names[C__COUNT] = {
	[C_ID] = "Customer ID|Id",
	[C_FIRST] = "First Name",
	[C_LAST] = "Last Name",
	[C_EMAIL] = "Email",
	[C_ACCEPTS] = "Accepts Email Marketing|Accepts Marketing",
	[C_COMPANY] = "Default Address Company|Company",
	[C_ADDR1] = "Default Address Address1|Address1",
	[C_ADDR2] = "Default Address Address2|Address2",
	[C_CITY] = "Default Address City|City",
	[C_PROVINCE_CODE] = "Default Address Province Code|Province Code",
	[C_PROVINCE] = "Province",
	[C_COUNTRY_CODE] = "Default Address Country Code|Country Code",
	[C_COUNTRY] = "Country",
	[C_ZIP] = "Default Address Zip|Zip",
	[C_ADDR_PHONE] = "Default Address Phone",
	[C_PHONE] = "Phone",
	[C_SMS] = "Accepts SMS Marketing",
	[C_SPENT] = "Total Spent",
	[C_ORDERS] = "Total Orders",
	[C_TAGS] = "Tags",
	[C_NOTE] = "Note",
	[C_TAX_EXEMPT] = "Tax Exempt",
};

typedef struct {
	int col[C__COUNT];
	int decimals;      /* of the shop's currency, for Total Spent */
	char **attr_name;  /* per header column: its attribute key, NULL for a known column */
	size_t n_cols;
} sc_state;

static int sc_detect(const csv_row *h)
{
	bool person = shop_header_has(h, "First Name") && shop_header_has(h, "Last Name") &&
		      shop_header_has(h, "Email");
	bool consent = shop_header_has(h, "Accepts Email Marketing") ||
		       shop_header_has(h, "Accepts Marketing");
	bool shop = shop_header_has(h, "Total Spent") || shop_header_has(h, "Total Orders") ||
		    shop_header_has(h, "Tax Exempt");

	return person && consent && shop ? 90 : 0;
}

/* The attribute key of a custom column: a metafield's "namespace.key",
 * else the header as it is. */
static char *attribute_name(const char *h)
{
	const char *p = strstr(h, "metafields."), *end;

	if (p) {
		/* "Shoe size (customer.metafields.custom.shoe_size)" */
		p += strlen("metafields.");
		end = strchr(p, ')');
		return xstrndup(p, end ? (size_t)(end - p) : strlen(p));
	}
	if (strncasecmp(h, "Metafield:", 10) == 0) {
		/* "Metafield: custom.shoe_size [single_line_text_field]" */
		p = h + 10;
		while (*p == ' ')
			p++;
		end = strchr(p, '[');
		if (!end)
			end = p + strlen(p);
		while (end > p && end[-1] == ' ')
			end--;
		return xstrndup(p, (size_t)(end - p));
	}
	return xstrdup(h);
}

static status sc_begin(import_ctx *cx, const csv_row *header, err *e)
{
	sc_state *s = import_state_alloc(cx, sizeof(*s));
	const char *currency = import_opts(cx)->currency;

	s->n_cols = header->n;
	s->attr_name = xcalloc(header->n, sizeof(*s->attr_name));
	for (size_t i = 0; i < header->n; i++)
		s->attr_name[i] = attribute_name(header->field[i]);
	for (int c = 0; c < C__COUNT; c++) {
		s->col[c] = import_column(cx, header, column_names[c]);
		if (s->col[c] >= 0) {
			free(s->attr_name[s->col[c]]);
			s->attr_name[s->col[c]] = NULL;
		}
	}
	if (s->col[C_EMAIL] < 0 && s->col[C_ID] < 0)
		return err_set(e, E_INVAL, "the shopify customers format needs an Email or "
					   "Customer ID column");
	s->decimals = currency_decimals(currency ? currency : "USD");
	return E_OK;
}

/* Adds the shop's own columns and the custom ones to `attrs`. */
static status read_attributes(import_ctx *cx, sc_state *s, const csv_row *row, json_t *attrs,
			      err *e)
{
	arena *a = import_batch_arena(cx);
	const char *v;
	int64_t spent, orders;
	char buf[32];
	status rc;

	if ((rc = shop_amount(cx, row, s->col[C_SPENT], s->decimals, 0, &spent, e)) ||
	    (rc = shop_count(cx, row, s->col[C_ORDERS], 0, &orders, e)))
		return rc;
	if (shop_text(a, row, s->col[C_SPENT])) {
		shop_format_amount(spent, s->decimals, buf, sizeof(buf));
		json_object_set_new(attrs, "total_spent", json_string(buf));
	}
	if (shop_text(a, row, s->col[C_ORDERS]))
		json_object_set_new(attrs, "total_orders", json_integer(orders));
	shop_json_set(attrs, "company", shop_text(a, row, s->col[C_COMPANY]));
	shop_json_set(attrs, "note", shop_text(a, row, s->col[C_NOTE]));
	if ((v = shop_text(a, row, s->col[C_TAX_EXEMPT]))) {
		int yes = import_parse_consent(v, strlen(v));
		json_object_set_new(attrs, "tax_exempt", yes < 0 ? json_string(v) : json_boolean(yes));
	}
	for (size_t i = 0; i < row->n && i < s->n_cols; i++) {
		if (s->attr_name[i] && (v = shop_text(a, row, (int)i)))
			json_object_set_new(attrs, s->attr_name[i], json_string(v));
	}
	return E_OK;
}

static status sc_row(import_ctx *cx, const csv_row *row, err *e)
{
	sc_state *s = import_state(cx);
	arena *a = import_batch_arena(cx);
	const int *col = s->col;
	json_t *attrs = json_object();
	const char *v, *id, *phone, *region, *full;
	int phone_col = col[C_PHONE];
	int64_t cust_id;
	size_t n;
	customer c;
	status rc = E_OK;

	customer_init(&c);
	if ((id = shop_text(a, row, col[C_ID])))
		c.external_id = arena_printf(a, "shopify:%s", id);
	full = shop_join(a, shop_text(a, row, col[C_FIRST]), shop_text(a, row, col[C_LAST]), " ");
	c.name = full ? normalize_name(a, full, strlen(full)) : NULL;
	v = import_field(row, col[C_EMAIL], &n);
	c.email = normalize_email(a, v, n);
	c.address = shop_join(a, shop_text(a, row, col[C_ADDR1]), shop_text(a, row, col[C_ADDR2]),
			      ", ");
	v = import_field(row, col[C_CITY], &n);
	c.city = normalize_name(a, v, n);
	c.region = shop_text(a, row, col[C_PROVINCE_CODE]);
	if (!c.region)
		c.region = shop_text(a, row, col[C_PROVINCE]);
	c.country = shop_country(shop_text(a, row, col[C_COUNTRY_CODE]));
	if (!c.country)
		c.country = shop_country(shop_text(a, row, col[C_COUNTRY]));
	c.postcode = shop_text(a, row, col[C_ZIP]);
	if (!(phone = shop_text(a, row, col[C_PHONE]))) {
		phone = shop_text(a, row, col[C_ADDR_PHONE]);
		phone_col = col[C_ADDR_PHONE];
	}
	region = c.country && strlen(c.country) == 2 ? c.country : import_opts(cx)->region;
	if (phone && normalize_phone(a, phone, strlen(phone), region, &c.phone, e)) {
		rc = import_bad(cx, phone_col, "%s", e->msg);
		goto out;
	}
	v = import_field(row, col[C_ACCEPTS], &n);
	c.consent_email = import_parse_consent(v, n);
	v = import_field(row, col[C_SMS], &n);
	c.consent_sms = import_parse_consent(v, n);
	v = import_field(row, col[C_TAGS], &n);
	if (n)
		c.tags = import_tags_json(a, v, n);
	if ((rc = read_attributes(cx, s, row, attrs, e)))
		goto out;
	c.attributes = shop_json_dump(a, attrs);
	if (!c.external_id && !c.email && !c.phone) {
		rc = import_bad(cx, -1, "no Customer ID, email or phone to recognise the customer by");
		goto out;
	}
	rc = shop_customer(cx, &c, col[C_EMAIL], phone_col, &cust_id, e);
out:
	json_decref(attrs);
	return rc;
}

static void sc_release(void *state)
{
	sc_state *s = state;

	for (size_t i = 0; s->attr_name && i < s->n_cols; i++)
		free(s->attr_name[i]);
	free(s->attr_name);
}

const import_format import_format_shopify_customers = {
	.name = "shopify",
	.kind = IMPORT_CUSTOMERS,
	.detect = sc_detect,
	.begin = sc_begin,
	.row = sc_row,
	.release = sc_release,
};
