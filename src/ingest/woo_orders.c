/* woo_orders.c: WooCommerce orders. Two layouts, told apart by the header:
 * the Analytics > Orders download (woo_analytics.c) and the layout of the
 * common export plugins (WooCommerce Customer / Order / Coupon Export,
 * WebToffee Import Export and the like), read here: order_id,
 * order_number, order_date, status, order_currency, order_total,
 * shipping_total, discount_total / cart_discount, tax_total / order_tax,
 * refunded_total, customer_id / customer_user, billing_*; line items either
 * as item_* columns on one row per item (the order's columns repeated or
 * left empty on its later rows, rows of an order together) or packed into
 * line_items / line_item_N cells ("name:Hoodie|sku:HD-1|quantity:2|
 * total:50.00", items of line_items separated by ';').
 *
 * Ids: an order is "woo:" + order_id (the post id: what order webhooks
 * carry as "id"), else order_number; a customer with an account is
 * "woo:customer:" + customer_id, a guest who left an email is found by
 * that email; an order with neither is a guest order.
 *
 * Money: order_total is the order's total as the shop says; tax is
 * tax_total + shipping_tax_total; the subtotal is order_subtotal when
 * given, else the lines (unit price = item price, else line subtotal /
 * quantity, i.e. before coupons), else what total - shipping - tax +
 * discount leaves. Plugins differ in whether fees are in these columns,
 * so no identity is enforced. Status: completed and processing ->
 * completed, the others as they are; refunded_total above 0, or status
 * refunded, is a refund return "woo:<id>:refund" (the order's total when
 * the file has no refund amount), dated at the order.
 *
 * Bad rows: as in shopify_orders.c, a bad first row keeps its order out
 * (later rows reported as kept out), a bad later row keeps its line out. */
#include "ingest/woo_orders.h"
#include "ingest/normalize.h"
#include "ingest/shop_common.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <strings.h>

enum {
	P_ID, P_NUMBER, P_DATE, P_STATUS, P_CURRENCY, P_TOTAL, P_SUBTOTAL, P_SHIPPING,
	P_SHIPPING_TAX, P_TAX, P_DISCOUNT, P_FEES, P_REFUNDED, P_PAID, P_PAYMENT, P_SHIPPING_METHOD,
	P_NOTE, P_COUPONS, P_CUSTOMER, P_EMAIL, P_FIRST, P_LAST, P_PHONE, P_ADDR1, P_ADDR2, P_CITY,
	P_POSTCODE, P_STATE, P_COUNTRY, P_ITEM_NAME, P_ITEM_SKU, P_ITEM_QTY, P_ITEM_PRICE,
	P_ITEM_SUBTOTAL, P_ITEM_TOTAL, P__COUNT
};

static const char *const column_names[P__COUNT] = {
	[P_ID] = "order_id|Order ID",
	[P_NUMBER] = "order_number|Order Number|order_number_formatted",
	[P_DATE] = "order_date|date_created|Order Date",
	[P_STATUS] = "status|order_status|Order Status",
	[P_CURRENCY] = "order_currency|currency|Order Currency",
	[P_TOTAL] = "order_total|Order Total",
	[P_SUBTOTAL] = "order_subtotal|Order Subtotal",
	[P_SHIPPING] = "shipping_total|order_shipping|Order Shipping",
	[P_SHIPPING_TAX] = "shipping_tax_total|order_shipping_tax",
	[P_TAX] = "tax_total|order_tax|Order Tax|cart_tax",
	[P_DISCOUNT] = "discount_total|cart_discount|Cart Discount",
	[P_FEES] = "fee_total",
	[P_REFUNDED] = "refunded_total|order_refund|refund_total|total_refunded",
	[P_PAID] = "paid_date|date_paid",
	[P_PAYMENT] = "payment_method_title|payment_method",
	[P_SHIPPING_METHOD] = "shipping_method",
	[P_NOTE] = "customer_note",
	[P_COUPONS] = "coupon_items|coupons|coupon_code",
	[P_CUSTOMER] = "customer_id|customer_user",
	[P_EMAIL] = "billing_email|customer_email|Billing Email",
	[P_FIRST] = "billing_first_name|Billing First Name",
	[P_LAST] = "billing_last_name|Billing Last Name",
	[P_PHONE] = "billing_phone|Billing Phone",
	[P_ADDR1] = "billing_address_1|Billing Address 1",
	[P_ADDR2] = "billing_address_2|Billing Address 2",
	[P_CITY] = "billing_city|Billing City",
	[P_POSTCODE] = "billing_postcode|Billing Postcode",
	[P_STATE] = "billing_state|Billing State",
	[P_COUNTRY] = "billing_country|Billing Country",
	[P_ITEM_NAME] = "item_name|line_item_name|Item Name",
	[P_ITEM_SKU] = "item_sku|line_item_sku|Item SKU",
	[P_ITEM_QTY] = "item_quantity|line_item_quantity|Item Quantity",
	[P_ITEM_PRICE] = "item_price|line_item_price|item_cost|Item Cost",
	[P_ITEM_SUBTOTAL] = "item_subtotal|line_item_subtotal",
	[P_ITEM_TOTAL] = "item_total|line_item_total|Item Total",
};

typedef struct {
	woo_layout layout; /* first: see woo_orders.h */
	int col[P__COUNT];
	int *packed; /* columns holding packed line items */
	size_t n_packed;
	const char *default_currency;
	shop_people people;
	/* The order being read, its strings in `mem` (see shopify_orders.c). */
	arena mem;
	const char *key; /* NULL: none pending */
	bool bad;
	bool has_subtotal;
	int decimals;
	int64_t first_line, rows, refunded;
	order o;
	customer cust; /* the order's customer, checked, saved with its first row */
	bool has_cust;
	order_item *items;
	size_t cap_items;
	/* The lines of the row being read, saved once the whole row is good. */
	struct wline *lines;
	size_t n_lines, cap_lines;
} wp_state;

/* A line read from a row: `qty` units of (sku, name) at `unit` when known
 * (>= 0), else the line amount `amount` divided by the quantity; `col` is
 * where a bad product is reported. Strings from the batch arena. */
typedef struct wline {
	const char *sku, *name;
	int64_t qty, unit, amount;
	int col;
} wline;

static bool has_any(const csv_row *h, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (shop_header_has(h, names[i]))
			return true;
	}
	return false;
}

static int wo_detect(const csv_row *h)
{
	static const char *const email[] = { "billing_email", "customer_email", "Billing Email" };
	static const char *const id[] = { "order_id", "order_number", "Order ID", "Order Number" };
	static const char *const money[] = { "order_total", "order_date", "Order Total",
					     "Order Date" };

	if (woo_analytics_matches(h))
		return 95;
	if (has_any(h, email, ARRAY_SIZE(email)) && has_any(h, id, ARRAY_SIZE(id)) &&
	    has_any(h, money, ARRAY_SIZE(money)))
		return 95;
	return 0;
}

/* "line_items" or "line_item_<N>": a cell of packed line items. */
static bool is_packed(const char *h)
{
	if (strcasecmp(h, "line_items") == 0)
		return true;
	if (strncasecmp(h, "line_item_", 10) != 0 || !h[10])
		return false;
	for (h += 10; *h; h++) {
		if (!isdigit((unsigned char)*h))
			return false;
	}
	return true;
}

static status plugin_begin(import_ctx *cx, const csv_row *header, err *e)
{
	wp_state *s = import_state_alloc(cx, sizeof(*s));

	s->layout = WOO_PLUGIN;
	for (int c = 0; c < P__COUNT; c++)
		s->col[c] = import_column(cx, header, column_names[c]);
	arena_init(&s->mem, 0);
	shop_people_init(&s->people);
	s->packed = xcalloc(header->n, sizeof(*s->packed));
	for (size_t i = 0; i < header->n; i++) {
		if (is_packed(header->field[i]))
			s->packed[s->n_packed++] = (int)i;
	}
	if (s->col[P_ID] < 0 && s->col[P_NUMBER] < 0)
		return err_set(e, E_INVAL, "the woocommerce orders format needs an order_id or "
					   "order_number column");
	if (s->col[P_DATE] < 0 || s->col[P_TOTAL] < 0)
		return err_set(e, E_INVAL, "the woocommerce orders format needs order_date and "
					   "order_total columns");
	s->default_currency = import_opts(cx)->currency ? import_opts(cx)->currency : "USD";
	return E_OK;
}

const char *woo_status(arena *a, const char *given)
{
	char *s;

	if (!given)
		return "completed";
	if (strncasecmp(given, "wc-", 3) == 0)
		given += 3;
	s = arena_strdup(a, given);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strcmp(s, "completed") == 0 || strcmp(s, "processing") == 0)
		return "completed";
	return s;
}

static void add_pending(wp_state *s, const char *sku, const char *name, int64_t qty,
			int64_t unit, int64_t amount, int col)
{
	s->lines = xgrow(s->lines, &s->cap_lines, s->n_lines + 1, sizeof(*s->lines));
	s->lines[s->n_lines++] = (wline){ sku, name, qty, unit, amount, col };
}

/* Saves the products of the row's lines and adds the lines to the order. */
static status save_lines(import_ctx *cx, wp_state *s, err *e)
{
	arena *a = import_batch_arena(cx);
	status rc;

	for (size_t i = 0; i < s->n_lines; i++) {
		const wline *l = &s->lines[i];
		int64_t product_id, unit = l->unit;
		if (unit < 0)
			unit = l->qty > 0 ? (l->amount + l->qty / 2) / l->qty : l->amount;
		product p = { .sku = shop_product_key(a, l->sku, l->name),
			      .name = l->name,
			      .price = unit,
			      .currency = s->o.currency };
		if ((rc = import_product(cx, &p, &product_id, e)))
			return rc == E_INVAL ? import_bad(cx, l->col, "%s", e->msg) : rc;
		s->items = xgrow(s->items, &s->cap_items, s->o.n_items + 1, sizeof(*s->items));
		s->items[s->o.n_items] = (order_item){ .line_no = (int)s->o.n_items + 1,
						       .product_id = product_id,
						       .qty = l->qty,
						       .unit_price = unit };
		s->o.n_items++;
	}
	s->n_lines = 0;
	return E_OK;
}

/* Reads the line of item_* columns on `row`, if it has one. */
static status row_line(import_ctx *cx, wp_state *s, const csv_row *row, err *e)
{
	arena *a = import_batch_arena(cx);
	const int *col = s->col;
	const char *sku = shop_text(a, row, col[P_ITEM_SKU]), *name;
	int64_t qty, unit = -1, line = 0;
	size_t n;
	status rc;

	name = import_field(row, col[P_ITEM_NAME], &n);
	name = normalize_name(a, name, n);
	if (!sku && !name)
		return E_OK;
	if ((rc = shop_count(cx, row, col[P_ITEM_QTY], SHOP_REQUIRED, &qty, e)))
		return rc;
	if (shop_text(a, row, col[P_ITEM_PRICE])) {
		if ((rc = shop_amount(cx, row, col[P_ITEM_PRICE], s->decimals, 0, &unit, e)))
			return rc;
	} else if (shop_text(a, row, col[P_ITEM_SUBTOTAL])) {
		if ((rc = shop_amount(cx, row, col[P_ITEM_SUBTOTAL], s->decimals, 0, &line, e)))
			return rc;
	} else if ((rc = shop_amount(cx, row, col[P_ITEM_TOTAL], s->decimals, 0, &line, e))) {
		return rc;
	}
	add_pending(s, sku, name, qty, unit, line, col[sku ? P_ITEM_SKU : P_ITEM_NAME]);
	return E_OK;
}

/* Reads one packed item: "name:Hoodie|sku:HD-1|quantity:2|total:50.00". */
static status packed_item(import_ctx *cx, wp_state *s, int col, const char *p, const char *end,
			  err *e)
{
	arena *a = import_batch_arena(cx);
	const char *name = NULL, *sku = NULL, *qty_s = NULL, *price_s = NULL, *line_s = NULL;
	int64_t qty = 1, unit = -1, line = 0;

	while (p < end) {
		const char *bar = memchr(p, '|', (size_t)(end - p)), *stop = bar ? bar : end;
		const char *colon = memchr(p, ':', (size_t)(stop - p));
		if (colon) {
			size_t kn = (size_t)(colon - p);
			const char *v = normalize_text(a, colon + 1, (size_t)(stop - colon - 1));
			if (kn == 4 && strncasecmp(p, "name", 4) == 0)
				name = v ? normalize_name(a, v, strlen(v)) : NULL;
			else if (kn == 3 && strncasecmp(p, "sku", 3) == 0)
				sku = v;
			else if ((kn == 8 && strncasecmp(p, "quantity", 8) == 0) ||
				 (kn == 3 && strncasecmp(p, "qty", 3) == 0))
				qty_s = v;
			else if ((kn == 4 && strncasecmp(p, "cost", 4) == 0) ||
				 (kn == 5 && strncasecmp(p, "price", 5) == 0))
				price_s = v;
			else if ((kn == 8 && strncasecmp(p, "subtotal", 8) == 0) ||
				 (kn == 9 && strncasecmp(p, "sub_total", 9) == 0))
				line_s = v;
			else if (kn == 5 && strncasecmp(p, "total", 5) == 0 && !line_s)
				line_s = v;
		}
		p = stop < end ? stop + 1 : end;
	}
	if (!name && !sku)
		return E_OK;
	if (qty_s && (parse_int(qty_s, strlen(qty_s), &qty, e) || qty < 0))
		return import_bad(cx, col, "quantity '%s' is not a whole number >= 0", qty_s);
	if (price_s && parse_money(price_s, strlen(price_s), s->decimals, false, &unit, e))
		return import_bad(cx, col, "price: %s", e->msg);
	if (!price_s && line_s && parse_money(line_s, strlen(line_s), s->decimals, false, &line, e))
		return import_bad(cx, col, "total: %s", e->msg);
	add_pending(s, sku, name, qty, unit, line, col);
	return E_OK;
}

static status packed_lines(import_ctx *cx, wp_state *s, const csv_row *row, err *e)
{
	status rc = E_OK;

	for (size_t k = 0; k < s->n_packed && !rc; k++) {
		size_t n;
		const char *v = import_field(row, s->packed[k], &n), *end = v + n;
		while (v < end && !rc) {
			const char *semi = memchr(v, ';', (size_t)(end - v)), *stop = semi ? semi : end;
			rc = packed_item(cx, s, s->packed[k], v, stop, e);
			v = stop < end ? stop + 1 : end;
		}
	}
	return rc;
}

/* The order's customer: an account ("woo:customer:<id>"), else the email
 * left at checkout; a guest order without either. Checked, not saved. */
static status read_customer(import_ctx *cx, wp_state *s, const csv_row *row, err *e)
{
	arena *a = &s->mem;
	const int *col = s->col;
	customer *c = &s->cust;
	const char *v, *id, *full;
	size_t n;

	customer_init(c);
	v = import_field(row, col[P_EMAIL], &n);
	c->email = normalize_email(a, v, n);
	id = shop_text(a, row, col[P_CUSTOMER]);
	if (id && strcmp(id, "0") != 0)
		c->external_id = arena_printf(a, "woo:customer:%s", id);
	if (!c->email && !c->external_id)
		return E_OK;
	full = shop_join(a, shop_text(a, row, col[P_FIRST]), shop_text(a, row, col[P_LAST]), " ");
	c->name = full ? normalize_name(a, full, strlen(full)) : NULL;
	c->country = shop_country(shop_text(a, row, col[P_COUNTRY]));
	c->phone = shop_phone(cx, a, shop_text(a, row, col[P_PHONE]), c->country);
	c->address = shop_join(a, shop_text(a, row, col[P_ADDR1]), shop_text(a, row, col[P_ADDR2]),
			       ", ");
	v = import_field(row, col[P_CITY], &n);
	c->city = normalize_name(a, v, n);
	c->postcode = shop_text(a, row, col[P_POSTCODE]);
	c->region = shop_text(a, row, col[P_STATE]);
	s->has_cust = true;
	return shop_customer_check(cx, c, col[P_EMAIL], col[P_PHONE], e);
}

/* Reads the order columns of an order's first row. */
static status start_order(import_ctx *cx, wp_state *s, const csv_row *row, const char *key,
			  err *e)
{
	static const int amounts[] = { P_TOTAL, P_SUBTOTAL, P_SHIPPING, P_SHIPPING_TAX,
				       P_TAX,   P_DISCOUNT, P_FEES,     P_REFUNDED };
	static const struct {
		int col;
		const char *key;
	} text[] = {
		{ P_ID, "woo_id" },
		{ P_NUMBER, "woo_number" },
		{ P_STATUS, "woo_status" },
		{ P_PAYMENT, "payment_method" },
		{ P_SHIPPING_METHOD, "shipping_method" },
		{ P_NOTE, "customer_note" },
		{ P_COUPONS, "coupons" },
	};
	arena *a = &s->mem;
	order *o = &s->o;
	int64_t v[P__COUNT] = { 0 }, paid;
	json_t *attrs = json_object();
	const char *currency;
	char buf[32];
	status rc;

	memset(o, 0, sizeof(*o));
	s->has_cust = false;
	s->key = arena_strdup(a, key);
	s->first_line = row->line;
	s->bad = true; /* until the whole row checks out (plugin_row) */
	currency = shop_text(a, row, s->col[P_CURRENCY]);
	if (currency && strlen(currency) != 3) {
		rc = import_bad(cx, s->col[P_CURRENCY], "'%s' is not a 3-letter currency code",
				currency);
		goto out;
	}
	o->currency = currency ? currency : s->default_currency;
	s->decimals = currency_decimals(o->currency);
	if ((rc = shop_time(cx, row, s->col[P_DATE], SHOP_REQUIRED, &o->placed_at, e)) ||
	    (rc = shop_time(cx, row, s->col[P_PAID], 0, &paid, e)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(amounts); i++) {
		int c = amounts[i];
		if ((rc = shop_amount(cx, row, s->col[c], s->decimals,
				      c == P_TOTAL ? SHOP_REQUIRED : 0, &v[c], e)))
			goto out;
	}
	if ((rc = read_customer(cx, s, row, e)))
		goto out;
	o->external_id = arena_printf(a, "woo:%s", key);
	o->status = woo_status(a, shop_text(a, row, s->col[P_STATUS]));
	o->total = v[P_TOTAL];
	o->subtotal = v[P_SUBTOTAL];
	o->shipping = v[P_SHIPPING];
	o->tax = v[P_TAX] + v[P_SHIPPING_TAX];
	o->discount = v[P_DISCOUNT];
	s->has_subtotal = shop_text(a, row, s->col[P_SUBTOTAL]) != NULL;
	s->refunded = v[P_REFUNDED];
	for (size_t i = 0; i < ARRAY_SIZE(text); i++)
		shop_json_set(attrs, text[i].key, shop_text(a, row, s->col[text[i].col]));
	shop_json_set_time(attrs, "paid_at", paid);
	if (v[P_FEES]) {
		shop_format_amount(v[P_FEES], s->decimals, buf, sizeof(buf));
		json_object_set_new(attrs, "fees", json_string(buf));
	}
	o->attributes = shop_json_dump(a, attrs);
out:
	json_decref(attrs);
	return rc;
}

static status flush_order(import_ctx *cx, wp_state *s, err *e)
{
	order *o = &s->o;
	status rc = E_OK;

	if (!s->key || s->bad)
		goto done;
	if (!o->customer_id)
		import_count_guest_rows(cx, s->rows);
	o->items = s->items;
	if (!s->has_subtotal && !o->n_items)
		o->subtotal = o->total - o->shipping - o->tax + o->discount;
	order_compute_totals(o);
	if ((rc = import_order(cx, o, e)))
		goto fail;
	if (s->refunded > 0 || strcmp(o->status, "refunded") == 0) {
		return_record r = { .external_id = arena_printf(&s->mem, "%s:refund", o->external_id),
				    .kind = "refund",
				    .order_id = o->id,
				    .customer_id = o->customer_id,
				    .amount = s->refunded > 0 ? s->refunded : o->total,
				    .currency = o->currency,
				    .returned_at = o->placed_at };
		if ((rc = import_return(cx, &r, e)))
			goto fail;
	}
	goto done;
fail:
	if (rc == E_INVAL) {
		import_bad_at(cx, s->first_line, -1, "order %s: %s", s->key, e->msg);
		rc = E_OK;
	}
done:
	s->key = NULL;
	s->bad = false;
	s->rows = 0;
	s->o.n_items = 0;
	arena_clear(&s->mem);
	return rc;
}

/* An order's first row: read whole (order columns, customer, lines)
 * before anything is saved, so a bad first row leaves no trace and keeps
 * its order out with it. */
static status first_row(import_ctx *cx, wp_state *s, const csv_row *row, const char *key,
			err *e)
{
	status rc;

	if ((rc = start_order(cx, s, row, key, e)) || (rc = packed_lines(cx, s, row, e)) ||
	    (rc = row_line(cx, s, row, e)))
		return rc;
	if (s->has_cust &&
	    (rc = shop_people_resolve(cx, &s->people, &s->cust, !s->cust.external_id,
				      s->col[P_EMAIL], s->col[P_PHONE], s->o.placed_at,
				      &s->o.customer_id, e)))
		return rc;
	if ((rc = save_lines(cx, s, e)))
		return rc;
	s->bad = false;
	return E_OK;
}

static status plugin_row(import_ctx *cx, const csv_row *row, err *e)
{
	wp_state *s = import_state(cx);
	arena *a = import_batch_arena(cx);
	const char *key = shop_text(a, row, s->col[P_ID]);
	status rc;

	s->n_lines = 0;
	if (!key)
		key = shop_text(a, row, s->col[P_NUMBER]);
	if (!key)
		return import_bad(cx, s->col[P_ID] >= 0 ? s->col[P_ID] : s->col[P_NUMBER],
				  "missing: the order's id");
	if (*key == '#')
		key++;
	if (!s->key || strcmp(key, s->key) != 0) {
		if ((rc = flush_order(cx, s, e)) || (rc = first_row(cx, s, row, key, e)))
			return rc;
	} else if (s->bad) {
		return import_bad(cx, -1, "order %s is kept out: its first row (line %" PRId64
				  ") is bad", key, s->first_line);
	} else if ((rc = row_line(cx, s, row, e)) || (rc = save_lines(cx, s, e))) {
		s->rows++;
		return rc;
	}
	s->rows++;
	return E_OK;
}

static status plugin_finish(import_ctx *cx, err *e)
{
	wp_state *s = import_state(cx);
	status rc = flush_order(cx, s, e);

	return rc ? rc : shop_people_finish(cx, &s->people, e);
}

static void plugin_release(void *state)
{
	wp_state *s = state;

	arena_release(&s->mem);
	shop_people_release(&s->people);
	free(s->items);
	free(s->lines);
	free(s->packed);
}

static status wo_begin(import_ctx *cx, const csv_row *header, err *e)
{
	return woo_analytics_matches(header) ? woo_analytics_begin(cx, header, e)
					     : plugin_begin(cx, header, e);
}

static woo_layout layout(import_ctx *cx)
{
	return *(const woo_layout *)import_state(cx);
}

static status wo_row(import_ctx *cx, const csv_row *row, err *e)
{
	return layout(cx) == WOO_ANALYTICS ? woo_analytics_row(cx, row, e)
					   : plugin_row(cx, row, e);
}

static status wo_finish(import_ctx *cx, err *e)
{
	return layout(cx) == WOO_ANALYTICS ? woo_analytics_finish(cx, e) : plugin_finish(cx, e);
}

static void wo_release(void *state)
{
	if (*(const woo_layout *)state == WOO_ANALYTICS)
		woo_analytics_release(state);
	else if (*(const woo_layout *)state == WOO_PLUGIN)
		plugin_release(state);
}

const import_format import_format_woo_orders = {
	.name = "woocommerce",
	.kind = IMPORT_ORDERS,
	.detect = wo_detect,
	.begin = wo_begin,
	.row = wo_row,
	.finish = wo_finish,
	.release = wo_release,
};
