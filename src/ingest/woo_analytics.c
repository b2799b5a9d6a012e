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
 * numbering plugin changes it). A row with negative net sales is a refund
 * of order <n>. Like Shopify's export, each order gets one refund return
 * "woo:<n>:refund": the sum of its refund rows in the file, or its whole
 * net sales when it is in status refunded and its refund rows are not all
 * there (a date range that leaves them out); dated at its last refund row,
 * else at the order. One cumulative record per order means a file with
 * more of the refunds updates it, never adds to it. Refunds are saved at
 * the end, when the orders they belong to are known wherever they are in
 * the file. */
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
	char *order_id; /* the order's external id */
	int64_t amount, when, line;
} refund;

typedef struct {
	woo_layout layout; /* first: see woo_orders.h */
	int col[A__COUNT];
	const char *currency;
	int decimals;
	strmap orders; /* external id -> order id, for refunds */
	refund *refunds; /* the file's refund rows */
	size_t n_refunds, cap_refunds;
	refund *refunded; /* orders in status refunded */
	size_t n_refunded, cap_refunded;
} wa_state;

/* Adds a refund to `*list` (the id copied). */
static void add_refund(refund **list, size_t *n, size_t *cap, const char *order_id,
		       int64_t amount, int64_t when, int64_t line)
{
	*list = xgrow(*list, cap, *n + 1, sizeof(**list));
	(*list)[(*n)++] = (refund){ xstrdup(order_id), amount, when, line };
}

static void free_refunds(refund *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].order_id);
	free(list);
}

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
	if ((rc = import_order(cx, &o, e))) {
		if (rc == E_INVAL)
			rc = import_bad(cx, -1, "%s", e->msg);
		goto out;
	}
	import_count_guest_rows(cx, 1);
	strmap_put(&s->orders, o.external_id, strlen(o.external_id), o.id);
	if (strcmp(o.status, "refunded") == 0 && net > 0)
		add_refund(&s->refunded, &s->n_refunded, &s->cap_refunded, o.external_id, net,
			   placed_at, row->line);
out:
	json_decref(attrs);
	return rc;
}

status woo_analytics_row(import_ctx *cx, const csv_row *row, err *e)
{
	wa_state *s = import_state(cx);
	const char *number = shop_text(import_batch_arena(cx), row, s->col[A_NUMBER]);
	char order_id[300];
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
	snprintf(order_id, sizeof(order_id), "woo:%s", number);
	add_refund(&s->refunds, &s->n_refunds, &s->cap_refunds, order_id, -net, placed_at,
		   row->line);
	return E_OK;
}

/* Saves order f->order_id's refund, against the order when it is known. */
static status save_refund(import_ctx *cx, wa_state *s, const refund *f, err *e)
{
	return_record r = { .external_id = arena_printf(import_batch_arena(cx), "%s:refund",
							f->order_id),
			    .kind = "refund",
			    .amount = f->amount,
			    .currency = s->currency,
			    .returned_at = f->when };
	status rc;

	strmap_get(&s->orders, f->order_id, strlen(f->order_id), &r.order_id);
	if ((rc = import_return(cx, &r, e)) == E_INVAL) {
		import_bad_at(cx, f->line, -1, "refund of %s: %s", f->order_id, e->msg);
		rc = E_OK;
	}
	return rc;
}

status woo_analytics_finish(import_ctx *cx, err *e)
{
	wa_state *s = import_state(cx);
	strmap at;        /* order external id -> index in `total` */
	refund *total = NULL; /* one per order, ids borrowed */
	size_t n = 0, cap = 0;
	int64_t i;
	status rc = E_OK;

	strmap_init(&at, 0);
	for (size_t k = 0; k < s->n_refunds; k++) {
		const refund *f = &s->refunds[k];
		if (strmap_get(&at, f->order_id, strlen(f->order_id), &i)) {
			total[i].amount += f->amount;
			if (f->when > total[i].when)
				total[i].when = f->when;
			continue;
		}
		strmap_put(&at, f->order_id, strlen(f->order_id), (int64_t)n);
		total = xgrow(total, &cap, n + 1, sizeof(*total));
		total[n++] = *f;
	}
	for (size_t k = 0; k < s->n_refunded; k++) {
		const refund *f = &s->refunded[k];
		if (!strmap_get(&at, f->order_id, strlen(f->order_id), &i)) {
			total = xgrow(total, &cap, n + 1, sizeof(*total));
			total[n++] = *f;
		} else if (f->amount > total[i].amount) {
			total[i].amount = f->amount;
		}
	}
	for (size_t k = 0; k < n && !rc; k++)
		rc = save_refund(cx, s, &total[k], e);
	free(total);
	strmap_release(&at);
	return rc;
}

void woo_analytics_release(void *state)
{
	wa_state *s = state;

	free_refunds(s->refunds, s->n_refunds);
	free_refunds(s->refunded, s->n_refunded);
	strmap_release(&s->orders);
}
