/* woo_analytics.c: WooCommerce's Analytics > Orders download, one row per
 * order: Date, Order #, Status, Customer, Customer type, Product(s), Items
 * sold, Coupon(s), Net sales (the e-mailed export also has "N. Revenue
 * (formatted)" and calls it Net Sales), Attribution.
 *
 * What it lacks shapes what is stored: no email or customer id (only the
 * customer's name), so the orders are guest orders with the name and
 * "new"/"returning" kept in the attributes; no prices, so lines carry the
 * quantities of Product(s) ("2× Hoodie, 1× Cap"; a plain "Hoodie, Cap"
 * counts one each) at price 0 and the order's subtotal and total are its
 * net sales (after coupons and refunds, before tax and shipping); no
 * currency (--currency, else USD). Times are store-local without a zone
 * and read as UTC. The order is "woo:" + Order # (the order id unless a
 * numbering plugin changes it). A row with negative net sales is a refund:
 * a refund return "woo:<n>:refund:<unix time>" against order <n>, saved at
 * the end so the order it belongs to is known wherever it is in the file. */
#include "ingest/woo_orders.h"
#include "ingest/normalize.h"
#include "ingest/shop_common.h"
#include "core/strmap.h"
#include "core/xalloc.h"

enum {
	A_DATE, A_NUMBER, A_STATUS, A_CUSTOMER, A_TYPE, A_PRODUCTS, A_ITEMS, A_COUPONS, A_NET,
	A_ATTRIBUTION, A__COUNT
};

static const char *const column_names[A__COUNT] = {
	[A_DATE] = "Date",
	[A_NUMBER] = "Order #|Order Number",
	[A_STATUS] = "Status",
	[A_CUSTOMER] = "Customer",
	[A_TYPE] = "Customer type",
	[A_PRODUCTS] = "Product(s)|Products",
	[A_ITEMS] = "Items sold",
	[A_COUPONS] = "Coupon(s)|Coupons",
	[A_NET] = "Net sales|N. Revenue|Net revenue",
	[A_ATTRIBUTION] = "Attribution|Origin",
};

typedef struct {
	int64_t line;
	char *external_id, *order_id;
	int64_t amount, when;
} refund;

typedef struct {
	woo_layout layout; /* first: see woo_orders.h */
	int col[A__COUNT];
	const char *currency;
	int decimals;
	strmap orders; /* external id -> order id, for refunds */
	refund *refunds;
	size_t n_refunds, cap_refunds;
} wa_state;

bool woo_analytics_matches(const csv_row *h)
{
	return (shop_header_has(h, "Order #") || shop_header_has(h, "Order Number")) &&
	       (shop_header_has(h, "Product(s)") || shop_header_has(h, "Items sold")) &&
	       (shop_header_has(h, "Net sales") || shop_header_has(h, "N. Revenue"));
}

status woo_analytics_begin(import_ctx *cx, const csv_row *header, err *e)
{
	wa_state *s = import_state_alloc(cx, sizeof(*s));

	s->layout = WOO_ANALYTICS;
	strmap_init(&s->orders, 0);
	for (int c = 0; c < A__COUNT; c++)
		s->col[c] = import_column(cx, header, column_names[c]);
	if (s->col[A_DATE] < 0 || s->col[A_NUMBER] < 0 || s->col[A_NET] < 0)
		return err_set(e, E_INVAL, "the woocommerce analytics orders download needs Date, "
					   "Order # and Net sales columns");
	s->currency = import_opts(cx)->currency ? import_opts(cx)->currency : "USD";
	s->decimals = currency_decimals(s->currency);
	return E_OK;
}

/* The length of a "2× " (or "2x ") quantity prefix at p, 0 when none. */
static size_t qty_prefix(const char *p, const char *end, int64_t *qty)
{
	const char *q = p;
	int64_t v = 0;

	while (q < end && *q >= '0' && *q <= '9' && v < 1000000)
		v = v * 10 + (*q++ - '0');
	if (q == p)
		return 0;
	if (end - q >= 2 && (unsigned char)q[0] == 0xC3 && (unsigned char)q[1] == 0x97) {
		q += 2; /* U+00D7 MULTIPLICATION SIGN, as WooCommerce writes it */
	} else if (end - q >= 2 && (*q == 'x' || *q == 'X') && q[1] == ' ') {
		q++;
	} else {
		return 0;
	}
	while (q < end && *q == ' ')
		q++;
	*qty = v;
	return (size_t)(q - p);
}

/* Where the item starting at p ends: the next ", " that starts another
 * counted item (or any ", " when the list has no counts). */
static const char *item_end(const char *p, const char *end, bool counted)
{
	for (const char *q = p; q + 1 < end; q++) {
		int64_t ignored;
		if (q[0] != ',' || q[1] != ' ')
			continue;
		if (!counted || qty_prefix(q + 2, end, &ignored))
			return q;
	}
	return end;
}

/* Lines from Product(s); quantities as listed. */
static status product_lines(import_ctx *cx, wa_state *s, const csv_row *row, order *o,
			    int64_t items_sold, err *e)
{
	arena *a = import_batch_arena(cx);
	size_t n, cap = 0;
	const char *p = import_field(row, s->col[A_PRODUCTS], &n), *end = p + n;
	int64_t ignored;
	bool counted = qty_prefix(p, end, &ignored) > 0;
	order_item *items = NULL;
	status rc;

	while (p < end) {
		const char *stop = item_end(p, end, counted), *name;
		int64_t qty = 1, product_id;
		p += qty_prefix(p, stop, &qty);
		name = normalize_name(a, p, (size_t)(stop - p));
		p = stop < end ? stop + 2 : end;
		if (!name)
			continue;
		product pr = { .sku = shop_product_key(a, NULL, name),
			       .name = name,
			       .currency = s->currency };
		if ((rc = import_product(cx, &pr, &product_id, e)))
			return rc == E_INVAL ? import_bad(cx, s->col[A_PRODUCTS], "%s", e->msg) : rc;
		if (o->n_items == cap) {
			order_item *bigger = arena_alloc(a, (cap = cap ? cap * 2 : 4) * sizeof(*bigger));
			if (o->n_items)
				memcpy(bigger, items, o->n_items * sizeof(*bigger));
			items = bigger;
		}
		items[o->n_items] = (order_item){ .line_no = (int)o->n_items + 1,
						  .product_id = product_id,
						  .qty = qty };
		o->n_items++;
	}
	/* "Hoodie" alone with 3 items sold: the one product, three times. */
	if (!counted && o->n_items == 1 && items_sold > 0)
		items[0].qty = items_sold;
	o->items = items;
	return E_OK;
}

static status save_order(import_ctx *cx, wa_state *s, const csv_row *row, const char *number,
			 int64_t placed_at, int64_t net, err *e)
{
	arena *a = import_batch_arena(cx);
	const int *col = s->col;
	json_t *attrs = json_object(), *coupons;
	int64_t items_sold;
	const char *v;
	size_t n;
	order o = { 0 };
	status rc;

	if ((rc = shop_count(cx, row, col[A_ITEMS], 0, &items_sold, e)) ||
	    (rc = product_lines(cx, s, row, &o, items_sold, e)))
		goto out;
	o.external_id = arena_printf(a, "woo:%s", number);
	o.placed_at = placed_at;
	o.currency = s->currency;
	o.status = woo_status(a, shop_text(a, row, col[A_STATUS]));
	o.subtotal = o.total = net;
	shop_json_set(attrs, "woo_status", shop_text(a, row, col[A_STATUS]));
	v = import_field(row, col[A_CUSTOMER], &n);
	shop_json_set(attrs, "customer_name", normalize_name(a, v, n));
	shop_json_set(attrs, "customer_type", shop_text(a, row, col[A_TYPE]));
	shop_json_set(attrs, "attribution", shop_text(a, row, col[A_ATTRIBUTION]));
	v = import_field(row, col[A_COUPONS], &n);
	if (n && (coupons = json_loads(import_tags_json(a, v, n), 0, NULL)))
		json_object_set_new(attrs, "coupons", coupons);
	json_object_set_new(attrs, "totals", json_string("net sales"));
	o.attributes = shop_json_dump(a, attrs);
	order_compute_totals(&o);
	if (!o.n_items)
		o.item_count = items_sold;
	import_count_guest_rows(cx, 1);
	if ((rc = import_order(cx, &o, e))) {
		if (rc == E_INVAL)
			rc = import_bad(cx, -1, "%s", e->msg);
		goto out;
	}
	strmap_put(&s->orders, o.external_id, strlen(o.external_id), o.id);
out:
	json_decref(attrs);
	return rc;
}

status woo_analytics_row(import_ctx *cx, const csv_row *row, err *e)
{
	wa_state *s = import_state(cx);
	const char *number = shop_text(import_batch_arena(cx), row, s->col[A_NUMBER]);
	int64_t placed_at, net;
	status rc;

	if (!number)
		return import_bad(cx, s->col[A_NUMBER], "missing: the order number");
	if (*number == '#')
		number++;
	if ((rc = shop_time(cx, row, s->col[A_DATE], SHOP_REQUIRED, &placed_at, e)) ||
	    (rc = shop_amount(cx, row, s->col[A_NET], s->decimals, SHOP_REQUIRED | SHOP_NEGATIVE_OK,
			      &net, e)))
		return rc;
	if (net >= 0)
		return save_order(cx, s, row, number, placed_at, net, e);
	s->refunds = xgrow(s->refunds, &s->cap_refunds, s->n_refunds + 1, sizeof(*s->refunds));
	refund *r = &s->refunds[s->n_refunds++];
	char buf[300];
	snprintf(buf, sizeof(buf), "woo:%s", number);
	r->order_id = xstrdup(buf);
	snprintf(buf, sizeof(buf), "woo:%s:refund:%" PRId64, number, placed_at);
	r->external_id = xstrdup(buf);
	r->amount = -net;
	r->when = placed_at;
	r->line = row->line;
	return E_OK;
}

status woo_analytics_finish(import_ctx *cx, err *e)
{
	wa_state *s = import_state(cx);
	status rc = E_OK;

	for (size_t i = 0; i < s->n_refunds && !rc; i++) {
		refund *f = &s->refunds[i];
		return_record r = { .external_id = f->external_id,
				    .kind = "refund",
				    .amount = f->amount,
				    .currency = s->currency,
				    .returned_at = f->when };
		strmap_get(&s->orders, f->order_id, strlen(f->order_id), &r.order_id);
		if ((rc = import_return(cx, &r, e)) == E_INVAL) {
			import_bad_at(cx, f->line, -1, "refund of %s: %s", f->order_id, e->msg);
			rc = E_OK;
		}
	}
	return rc;
}

void woo_analytics_release(void *state)
{
	wa_state *s = state;

	for (size_t i = 0; i < s->n_refunds; i++) {
		free(s->refunds[i].external_id);
		free(s->refunds[i].order_id);
	}
	free(s->refunds);
	strmap_release(&s->orders);
}
