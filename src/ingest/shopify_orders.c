/* shopify_orders.c: Shopify's orders export (Admin > Orders > Export): one
 * row per line item, rows of an order together and named by `Name`
 * ("#1001"); the order's own columns (Email, Financial Status, Subtotal,
 * Shipping, Taxes, Total, Created at, Billing *, Notes, Note Attributes,
 * Cancelled at, Refunded Amount, Id, Tags, Source, Phone ...) are filled on
 * its first row only.
 *
 * Ids: an order is "shopify:" + its Name ("shopify:#1001"). The Name is on
 * every row and in every order webhook ("name"), while Id is on the first
 * row only and is a column users drop; Id is kept in the order's
 * attributes as "shopify_id" for matching by the numeric id later.
 *
 * Money: Shopify's Subtotal is after discounts, so the stored subtotal is
 * Subtotal + Discount Amount (the lines before discounts), with discount,
 * shipping and tax (Taxes + Duties) beside it, so that subtotal - discount +
 * shipping + tax = Total. The first row is checked: Total must be Subtotal +
 * Shipping + Taxes + Duties, or Subtotal + Shipping + Duties when prices
 * include tax (the subtotal is then stored net of Taxes), within one minor
 * unit of rounding; otherwise the row is bad at `Total`. Tips are not in the
 * export, so an order with a tip is reported.
 *
 * Status: Cancelled at set -> cancelled; else by Financial Status (paid and
 * partially_refunded -> completed, refunded -> refunded, voided ->
 * cancelled, pending / authorized / partially_paid -> pending); the
 * financial and fulfillment statuses are kept in the attributes. A Refunded
 * Amount above 0 is a refund return "shopify:#1001:refund" (the export gives
 * the refunded total, not each refund, and not when: it is dated at the
 * cancellation, else at the order).
 *
 * Bad rows: a bad first row (order or line column) keeps the whole order
 * out, as its own columns are on that row, and its other rows are reported
 * as kept out; a bad later row keeps its line out and the order is saved
 * with its other lines (and Shopify's totals). */
#include "ingest/shop_common.h"
#include "ingest/normalize.h"
#include "core/xalloc.h"

#include <strings.h>

enum {
	O_NAME, O_EMAIL, O_FINANCIAL, O_PAID_AT, O_FULFILLMENT, O_ACCEPTS, O_CURRENCY, O_SUBTOTAL,
	O_SHIPPING, O_TAXES, O_TOTAL, O_DISCOUNT_CODE, O_DISCOUNT, O_SHIPPING_METHOD, O_CREATED,
	O_QTY, O_LNAME, O_LPRICE, O_LSKU, O_BNAME, O_BSTREET, O_BADDR1, O_BADDR2, O_BCITY, O_BZIP,
	O_BPROVINCE, O_BCOUNTRY, O_BPHONE, O_NOTES, O_NOTE_ATTRS, O_CANCELLED, O_PAYMENT,
	O_REFUNDED, O_ID, O_TAGS, O_SOURCE, O_PHONE, O_DUTIES, O__COUNT
};

static const char *const column_names[O__COUNT] = {
	[O_NAME] = "Name",
	[O_EMAIL] = "Email",
	[O_FINANCIAL] = "Financial Status",
	[O_PAID_AT] = "Paid at",
	[O_FULFILLMENT] = "Fulfillment Status",
	[O_ACCEPTS] = "Accepts Marketing|Accepts Email Marketing",
	[O_CURRENCY] = "Currency",
	[O_SUBTOTAL] = "Subtotal",
	[O_SHIPPING] = "Shipping",
	[O_TAXES] = "Taxes",
	[O_TOTAL] = "Total",
	[O_DISCOUNT_CODE] = "Discount Code",
	[O_DISCOUNT] = "Discount Amount",
	[O_SHIPPING_METHOD] = "Shipping Method",
	[O_CREATED] = "Created at",
	[O_QTY] = "Lineitem quantity",
	[O_LNAME] = "Lineitem name",
	[O_LPRICE] = "Lineitem price",
	[O_LSKU] = "Lineitem sku",
	[O_BNAME] = "Billing Name",
	[O_BSTREET] = "Billing Street",
	[O_BADDR1] = "Billing Address1",
	[O_BADDR2] = "Billing Address2",
	[O_BCITY] = "Billing City",
	[O_BZIP] = "Billing Zip",
	[O_BPROVINCE] = "Billing Province",
	[O_BCOUNTRY] = "Billing Country",
	[O_BPHONE] = "Billing Phone",
	[O_NOTES] = "Notes",
	[O_NOTE_ATTRS] = "Note Attributes",
	[O_CANCELLED] = "Cancelled at",
	[O_PAYMENT] = "Payment Method",
	[O_REFUNDED] = "Refunded Amount",
	[O_ID] = "Id",
	[O_TAGS] = "Tags",
	[O_SOURCE] = "Source",
	[O_PHONE] = "Phone",
	[O_DUTIES] = "Duties",
};

static const int required[] = { O_NAME, O_CREATED, O_TOTAL, O_QTY, O_LPRICE };

typedef struct {
	int col[O__COUNT];
	const char *default_currency;
	shop_people people;
	/* The order being read; its strings live in `mem` until it is saved,
	 * because batches (and the batch arena) may end between its rows. */
	arena mem;
	const char *name; /* NULL: no order pending */
	bool bad;         /* its first row was bad: its rows are kept out */
	int64_t first_line;
	int64_t rows;
	order o;
	customer cust;     /* the order's customer, when it has an email */
	bool has_cust;
	int64_t refunded;
	int64_t refunded_at;
	int decimals;
	order_item *items;
	size_t cap_items;
} so_state;

static int so_detect(const csv_row *h)
{
	static const char *const marks[] = { "Lineitem quantity", "Lineitem name", "Lineitem price",
					     "Financial Status", "Fulfillment Status", "Billing Name",
					     "Created at", "Name" };
	int hits = 0;

	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		hits += shop_header_has(h, marks[i]);
	if (shop_header_has(h, "Lineitem quantity") && shop_header_has(h, "Name") &&
	    shop_header_has(h, "Financial Status"))
		return 95;
	return hits >= 5 ? 80 : 0;
}

static status so_begin(import_ctx *cx, const csv_row *header, err *e)
{
	so_state *s = import_state_alloc(cx, sizeof(*s));

	for (int c = 0; c < O__COUNT; c++)
		s->col[c] = import_column(cx, header, column_names[c]);
	arena_init(&s->mem, 0);
	shop_people_init(&s->people);
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (s->col[required[i]] < 0)
			return err_set(e, E_INVAL, "the shopify orders format needs a '%s' column",
				       column_names[required[i]]);
	}
	s->default_currency = import_opts(cx)->currency ? import_opts(cx)->currency : "USD";
	return E_OK;
}

/* The order status from Cancelled at and Financial Status. */
static const char *order_status(const char *financial, bool cancelled)
{
	static const struct {
		const char *financial, *status;
	} map[] = {
		{ "paid", "completed" },     { "partially_refunded", "completed" },
		{ "refunded", "refunded" },  { "voided", "cancelled" },
		{ "pending", "pending" },    { "authorized", "pending" },
		{ "partially_paid", "pending" }, { "expired", "cancelled" },
	};

	if (cancelled)
		return "cancelled";
	if (!financial)
		return "completed";
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (strcasecmp(financial, map[i].financial) == 0)
			return map[i].status;
	}
	return financial;
}

/* Note Attributes holds one "name: value" per line; an object when every
 * line has that shape, else the text as it is. */
static json_t *note_attributes(const char *v)
{
	json_t *obj = json_object();

	for (const char *p = v; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		if (len && p[len - 1] == '\r')
			len--;
		if (!colon) {
			if (len) {
				json_decref(obj);
				return json_string(v);
			}
		} else {
			char *key = xstrndup(p, (size_t)(colon - p));
			const char *val = colon + 1;
			while (*val == ' ')
				val++;
			json_object_set_new(obj, key, json_stringn(val, (size_t)(p + len - val)));
			free(key);
		}
		p = nl ? nl + 1 : NULL;
	}
	return obj;
}

/* Saves the pending order (and its refund) and forgets it. */
static status flush_order(import_ctx *cx, so_state *s, err *e)
{
	order *o = &s->o;
	status rc = E_OK;

	if (!s->name || s->bad)
		goto done;
	if (!o->customer_id)
		import_count_guest_rows(cx, s->rows);
	o->items = s->items;
	order_compute_totals(o);
	if ((rc = import_order(cx, o, e)))
		goto fail;
	if (s->refunded > 0) {
		return_record r = { .external_id = arena_printf(&s->mem, "%s:refund", o->external_id),
				    .kind = "refund",
				    .order_id = o->id,
				    .customer_id = o->customer_id,
				    .amount = s->refunded,
				    .currency = o->currency,
				    .returned_at = s->refunded_at };
		if ((rc = import_return(cx, &r, e)))
			goto fail;
	}
	goto done;
fail:
	if (rc == E_INVAL) {
		import_bad_at(cx, s->first_line, s->col[O_NAME], "order %s: %s", s->name, e->msg);
		rc = E_OK;
	}
done:
	s->name = NULL;
	s->bad = false;
	s->rows = 0;
	s->o.n_items = 0;
	arena_clear(&s->mem);
	return rc;
}

/* Checks Total against its parts and fills the order's money fields. */
static status set_totals(import_ctx *cx, so_state *s, const int64_t v[O__COUNT], json_t *attrs)
{
	order *o = &s->o;
	int64_t excl = v[O_SUBTOTAL] + v[O_SHIPPING] + v[O_TAXES] + v[O_DUTIES];
	int64_t incl = v[O_SUBTOTAL] + v[O_SHIPPING] + v[O_DUTIES];
	int64_t total = v[O_TOTAL];
	char t[32], x[32], i[32];

	o->subtotal = v[O_SUBTOTAL] + v[O_DISCOUNT];
	o->discount = v[O_DISCOUNT];
	o->shipping = v[O_SHIPPING];
	o->tax = v[O_TAXES] + v[O_DUTIES];
	o->total = total;
	if (llabs(total - excl) <= 1)
		return E_OK;
	if (llabs(total - incl) <= 1) {
		o->subtotal -= v[O_TAXES];
		json_object_set_new(attrs, "taxes_included", json_true());
		return E_OK;
	}
	shop_format_amount(total, s->decimals, t, sizeof(t));
	shop_format_amount(excl, s->decimals, x, sizeof(x));
	shop_format_amount(incl, s->decimals, i, sizeof(i));
	return import_bad(cx, s->col[O_TOTAL],
			  "Total %s is not Subtotal + Shipping + Taxes%s = %s (nor %s with taxes "
			  "included in prices)",
			  t, s->col[O_DUTIES] >= 0 ? " + Duties" : "", x, i);
}

/* The order's customer from Email and the Billing columns, checked but
 * not saved yet; none (a guest order) without an email. */
static status read_customer(import_ctx *cx, so_state *s, const csv_row *row, err *e)
{
	arena *a = &s->mem;
	const int *col = s->col;
	customer *c = &s->cust;
	size_t n;
	const char *v = import_field(row, col[O_EMAIL], &n), *country, *phone, *addr1;

	customer_init(c);
	if (!(c->email = normalize_email(a, v, n)))
		return E_OK;
	v = import_field(row, col[O_BNAME], &n);
	c->name = normalize_name(a, v, n);
	country = shop_country(shop_text(a, row, col[O_BCOUNTRY]));
	phone = shop_text(a, row, col[O_PHONE]);
	c->phone = shop_phone(cx, a, phone ? phone : shop_text(a, row, col[O_BPHONE]), country);
	addr1 = shop_text(a, row, col[O_BADDR1]);
	c->address = addr1 ? shop_join(a, addr1, shop_text(a, row, col[O_BADDR2]), ", ")
			   : shop_text(a, row, col[O_BSTREET]);
	v = import_field(row, col[O_BCITY], &n);
	c->city = normalize_name(a, v, n);
	c->postcode = shop_text(a, row, col[O_BZIP]);
	c->region = shop_text(a, row, col[O_BPROVINCE]);
	c->country = country;
	v = import_field(row, col[O_ACCEPTS], &n);
	c->consent_email = import_parse_consent(v, n);
	s->has_cust = true;
	return shop_customer_check(cx, c, col[O_EMAIL], col[O_PHONE], e);
}

/* What the order keeps beside its totals: Shopify's statuses, notes, tags. */
static void set_attributes(so_state *s, const csv_row *row, json_t *attrs, int64_t paid_at,
			   int64_t cancelled_at)
{
	static const struct {
		int col;
		const char *key;
	} text[] = {
		{ O_ID, "shopify_id" },
		{ O_FINANCIAL, "financial_status" },
		{ O_FULFILLMENT, "fulfillment_status" },
		{ O_DISCOUNT_CODE, "discount_code" },
		{ O_SHIPPING_METHOD, "shipping_method" },
		{ O_PAYMENT, "payment_method" },
		{ O_NOTES, "notes" },
		{ O_SOURCE, "source" },
	};
	arena *a = &s->mem;
	const char *v;
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(text); i++)
		shop_json_set(attrs, text[i].key, shop_text(a, row, s->col[text[i].col]));
	shop_json_set_time(attrs, "paid_at", paid_at);
	shop_json_set_time(attrs, "cancelled_at", cancelled_at);
	if ((v = shop_text(a, row, s->col[O_NOTE_ATTRS])))
		json_object_set_new(attrs, "note_attributes", note_attributes(v));
	v = import_field(row, s->col[O_TAGS], &n);
	if (n)
		json_object_set_new(attrs, "tags",
				    json_loads(import_tags_json(a, v, n), 0, NULL));
}

/* Reads the order columns of an order's first row. */
static status start_order(import_ctx *cx, so_state *s, const csv_row *row, const char *name,
			  err *e)
{
	static const int amounts[] = { O_SUBTOTAL, O_SHIPPING, O_TAXES,   O_TOTAL,
				       O_DISCOUNT, O_REFUNDED, O_DUTIES };
	arena *a = &s->mem;
	order *o = &s->o;
	int64_t v[O__COUNT] = { 0 }, paid_at, cancelled_at;
	json_t *attrs = json_object();
	const char *currency, *source;
	status rc;

	memset(o, 0, sizeof(*o));
	s->has_cust = false;
	s->name = arena_strdup(a, name);
	s->first_line = row->line;
	s->bad = true; /* until the whole row checks out (so_row) */
	currency = shop_text(a, row, s->col[O_CURRENCY]);
	if (currency && strlen(currency) != 3) {
		rc = import_bad(cx, s->col[O_CURRENCY], "'%s' is not a 3-letter currency code",
				currency);
		goto out;
	}
	o->currency = currency ? currency : s->default_currency;
	s->decimals = currency_decimals(o->currency);
	if ((rc = shop_time(cx, row, s->col[O_CREATED], SHOP_REQUIRED, &o->placed_at, e)) ||
	    (rc = shop_time(cx, row, s->col[O_PAID_AT], 0, &paid_at, e)) ||
	    (rc = shop_time(cx, row, s->col[O_CANCELLED], 0, &cancelled_at, e)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(amounts); i++) {
		int c = amounts[i];
		if ((rc = shop_amount(cx, row, s->col[c], s->decimals,
				      c == O_TOTAL ? SHOP_REQUIRED : 0, &v[c], e)))
			goto out;
	}
	if ((rc = set_totals(cx, s, v, attrs)) || (rc = read_customer(cx, s, row, e)))
		goto out;
	set_attributes(s, row, attrs, paid_at, cancelled_at);
	o->external_id = arena_printf(a, "shopify:%s", name);
	o->status = order_status(shop_text(a, row, s->col[O_FINANCIAL]), cancelled_at != 0);
	source = shop_text(a, row, s->col[O_SOURCE]);
	o->channel = source && strcasecmp(source, "pos") == 0 ? "store" : "web";
	o->attributes = shop_json_dump(a, attrs);
	s->refunded = v[O_REFUNDED];
	s->refunded_at = cancelled_at ? cancelled_at : o->placed_at;
out:
	json_decref(attrs);
	return rc;
}

typedef struct {
	int64_t qty, price;
	const char *sku, *name; /* from the batch arena: saved within the row */
} line_in;

/* Reads the line item of `row`. */
static status read_line(import_ctx *cx, so_state *s, const csv_row *row, line_in *ln, err *e)
{
	arena *a = import_batch_arena(cx);
	const char *name;
	size_t n;
	status rc;

	if ((rc = shop_count(cx, row, s->col[O_QTY], SHOP_REQUIRED, &ln->qty, e)) ||
	    (rc = shop_amount(cx, row, s->col[O_LPRICE], s->decimals, SHOP_REQUIRED, &ln->price, e)))
		return rc;
	ln->sku = shop_text(a, row, s->col[O_LSKU]);
	name = import_field(row, s->col[O_LNAME], &n);
	ln->name = normalize_name(a, name, n);
	if (!ln->sku && !ln->name)
		return import_bad(cx, s->col[O_LNAME], "missing: a line needs a sku or a name");
	return E_OK;
}

/* Saves the line's product and adds the line to the pending order. */
static status save_line(import_ctx *cx, so_state *s, const line_in *ln, err *e)
{
	product p = { .sku = shop_product_key(import_batch_arena(cx), ln->sku, ln->name),
		      .name = ln->name,
		      .price = ln->price,
		      .currency = s->o.currency };
	int64_t product_id;
	status rc;

	if ((rc = import_product(cx, &p, &product_id, e)))
		return rc == E_INVAL ? import_bad(cx, s->col[ln->sku ? O_LSKU : O_LNAME], "%s",
						  e->msg)
				     : rc;
	s->items = xgrow(s->items, &s->cap_items, s->o.n_items + 1, sizeof(*s->items));
	s->items[s->o.n_items] = (order_item){ .line_no = (int)s->o.n_items + 1,
					       .product_id = product_id,
					       .qty = ln->qty,
					       .unit_price = ln->price };
	s->o.n_items++;
	return E_OK;
}

/* An order's first row: its order columns, customer and first line are
 * all read before anything is saved, so a bad first row leaves no trace;
 * the order is then kept out with it. */
static status first_row(import_ctx *cx, so_state *s, const csv_row *row, const char *name,
			err *e)
{
	line_in ln;
	status rc;

	if ((rc = start_order(cx, s, row, name, e)) || (rc = read_line(cx, s, row, &ln, e)))
		return rc;
	if (s->has_cust && (rc = shop_people_resolve(cx, &s->people, &s->cust, true,
						     s->col[O_EMAIL], s->col[O_PHONE],
						     s->o.placed_at, &s->o.customer_id, e)))
		return rc;
	if ((rc = save_line(cx, s, &ln, e)))
		return rc;
	s->bad = false;
	return E_OK;
}

static status so_row(import_ctx *cx, const csv_row *row, err *e)
{
	so_state *s = import_state(cx);
	const char *name = shop_text(import_batch_arena(cx), row, s->col[O_NAME]);
	line_in ln;
	status rc;

	if (!name)
		return import_bad(cx, s->col[O_NAME], "missing: the order's Name (e.g. #1001)");
	if (!s->name || strcmp(name, s->name) != 0) {
		if ((rc = flush_order(cx, s, e)) || (rc = first_row(cx, s, row, name, e)))
			return rc;
	} else if (s->bad) {
		return import_bad(cx, -1, "order %s is kept out: its first row (line %" PRId64
				  ") is bad", name, s->first_line);
	} else if ((rc = read_line(cx, s, row, &ln, e)) || (rc = save_line(cx, s, &ln, e))) {
		s->rows++;
		return rc;
	}
	s->rows++;
	return E_OK;
}

static status so_finish(import_ctx *cx, err *e)
{
	so_state *s = import_state(cx);
	status rc = flush_order(cx, s, e);

	return rc ? rc : shop_people_finish(cx, &s->people, e);
}

static void so_release(void *state)
{
	so_state *s = state;

	arena_release(&s->mem);
	shop_people_release(&s->people);
	free(s->items);
}

const import_format import_format_shopify_orders = {
	.name = "shopify",
	.kind = IMPORT_ORDERS,
	.detect = so_detect,
	.begin = so_begin,
	.row = so_row,
	.finish = so_finish,
	.release = so_release,
};
