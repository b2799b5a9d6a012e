/* uci.c: the UCI Online Retail layout (InvoiceNo, StockCode, Description,
 * Quantity, InvoiceDate, UnitPrice, CustomerID, Country): one row per
 * invoice line, lines of an invoice together. Invoices starting with "C"
 * are cancellations: each line is stored as a return against the customer,
 * never as revenue. Lines without a CustomerID belong to guest orders. */
#include "ingest/format.h"
#include "ingest/normalize.h"
#include "core/xalloc.h"

#include <strings.h>

enum { C_INVOICE, C_STOCK, C_DESC, C_QTY, C_DATE, C_PRICE, C_CUSTOMER, C_COUNTRY, C__COUNT };

static const char *const column_names[C__COUNT] = {
	[C_INVOICE] = "InvoiceNo|Invoice",
	[C_STOCK] = "StockCode",
	[C_DESC] = "Description",
	[C_QTY] = "Quantity",
	[C_DATE] = "InvoiceDate",
	[C_PRICE] = "UnitPrice|Price",
	[C_CUSTOMER] = "CustomerID|Customer ID",
	[C_COUNTRY] = "Country",
};

typedef struct {
	int col[C__COUNT];
	const char *currency;
	int decimals;
	/* The invoice being read: lines are gathered until the number changes. */
	char invoice[64];
	bool cancel;
	int64_t first_line;
	int64_t placed_at;
	int lines;           /* lines seen, for line numbers of returns */
	char customer[64];   /* "" for a guest */
	char country[64];
	order_item *items;
	size_t n_items, cap_items;
} uci_state;

static int uci_detect(const csv_row *h)
{
	int hits = 0;
	for (size_t i = 0; i < h->n; i++) {
		for (int c = 0; c < C__COUNT; c++) {
			const char *names = column_names[c];
			size_t n = strcspn(names, "|");
			if (h->len[i] == n && strncasecmp(h->field[i], names, n) == 0)
				hits++;
		}
	}
	return hits >= 6 ? 90 : 0;
}

static status uci_begin(import_ctx *cx, const csv_row *header, err *e)
{
	uci_state *s = import_state_alloc(cx, sizeof(*s));

	for (int c = 0; c < C__COUNT; c++) {
		s->col[c] = import_column(cx, header, column_names[c]);
		if (s->col[c] < 0 && c != C_DESC && c != C_COUNTRY)
			return err_set(e, E_INVAL, "the uci format needs a %.*s column",
				       (int)strcspn(column_names[c], "|"), column_names[c]);
	}
	s->currency = import_opts(cx)->currency ? import_opts(cx)->currency : "GBP";
	s->decimals = currency_decimals(s->currency);
	return E_OK;
}

/* Resolves the pending invoice's customer; *id = 0 for a guest. */
static status resolve_customer(import_ctx *cx, uci_state *s, int64_t *id, err *e)
{
	customer c;
	const char *iso;

	*id = 0;
	if (!s->customer[0])
		return E_OK;
	customer_init(&c);
	c.external_id = s->customer;
	iso = normalize_country(s->country);
	c.country = iso ? iso : (s->country[0] ? s->country : NULL);
	c.created_at = s->placed_at;
	return import_customer(cx, &c, id, e);
}

static status flush_order(import_ctx *cx, uci_state *s, err *e)
{
	order o = { 0 };
	status rc;

	if (!s->invoice[0] || s->cancel || s->n_items == 0)
		goto done;
	o.external_id = s->invoice;
	o.placed_at = s->placed_at;
	o.currency = s->currency;
	o.channel = "web";
	o.items = s->items;
	o.n_items = s->n_items;
	if ((rc = resolve_customer(cx, s, &o.customer_id, e)))
		goto fail;
	order_compute_totals(&o);
	if ((rc = import_order(cx, &o, e)))
		goto fail;
done:
	s->invoice[0] = '\0';
	s->n_items = 0;
	s->lines = 0;
	return E_OK;
fail:
	/* A bad invoice is reported at its first line; the row being read now
	 * (the next invoice's) is fine. */
	if (rc == E_INVAL) {
		import_bad_at(cx, s->first_line, s->col[C_INVOICE], "invoice %s: %s", s->invoice,
			      e->msg);
		rc = E_OK;
	}
	s->invoice[0] = '\0';
	s->n_items = 0;
	s->lines = 0;
	return rc;
}

/* Copies field `c` of `row` into `buf`; E_INVAL when it does not fit. */
static status copy_field(import_ctx *cx, uci_state *s, const csv_row *row, int c, char *buf,
			 size_t size)
{
	size_t n;
	const char *v = import_field(row, s->col[c], &n);

	if (n >= size)
		return import_bad(cx, s->col[c], "longer than %zu bytes", size - 1);
	memcpy(buf, v, n);
	buf[n] = '\0';
	return E_OK;
}

static status uci_row(import_ctx *cx, const csv_row *row, err *e)
{
	uci_state *s = import_state(cx);
	char invoice[64], cust[64], country[64];
	int64_t qty, price, when, product_id;
	const char *v;
	size_t n;
	status rc;

	if ((rc = copy_field(cx, s, row, C_INVOICE, invoice, sizeof(invoice))) ||
	    (rc = copy_field(cx, s, row, C_COUNTRY, country, sizeof(country))))
		return rc;
	if (!invoice[0])
		return import_bad(cx, s->col[C_INVOICE], "missing invoice number");
	v = import_field(row, s->col[C_QTY], &n);
	if (parse_int(v, n, &qty, e))
		return import_bad(cx, s->col[C_QTY], "%s", e->msg);
	v = import_field(row, s->col[C_PRICE], &n);
	if (parse_money(v, n, s->decimals, false, &price, e))
		return import_bad(cx, s->col[C_PRICE], "%s", e->msg);
	v = import_field(row, s->col[C_DATE], &n);
	if (import_time(cx, v, n, &when, e))
		return import_bad(cx, s->col[C_DATE], "%s", e->msg);
	/* R writes a missing id as NA; spreadsheets write ids as 17850.0. */
	v = import_field(row, s->col[C_CUSTOMER], &n);
	if (n == 2 && memcmp(v, "NA", 2) == 0)
		n = 0;
	if (n > 2 && memcmp(v + n - 2, ".0", 2) == 0)
		n -= 2;
	if (n >= sizeof(cust))
		return import_bad(cx, s->col[C_CUSTOMER], "longer than %zu bytes", sizeof(cust) - 1);
	memcpy(cust, v, n);
	cust[n] = '\0';

	if (strcmp(invoice, s->invoice) != 0) {
		if ((rc = flush_order(cx, s, e)))
			return rc;
		memcpy(s->invoice, invoice, sizeof(invoice));
		memcpy(s->customer, cust, sizeof(cust));
		memcpy(s->country, country, sizeof(country));
		s->cancel = invoice[0] == 'C' || invoice[0] == 'c';
		if (s->cancel)
			import_count_return_document(cx);
		s->first_line = row->line;
		s->placed_at = when;
	}
	if (strcmp(cust, s->customer) != 0)
		return import_bad(cx, s->col[C_CUSTOMER], "invoice %s has customer '%s' on its first "
			       "line and '%s' here", invoice, s->customer, cust);
	if (!cust[0])
		import_count_guest_rows(cx, 1);

	{
		size_t sn, dn;
		const char *sku = import_field(row, s->col[C_STOCK], &sn);
		const char *desc = import_field(row, s->col[C_DESC], &dn);
		arena *a = import_batch_arena(cx);
		product p = { .sku = arena_strndup(a, sku, sn),
			      .name = (dn == 2 && memcmp(desc, "NA", 2) == 0) ? NULL
									      : arena_strndup(a, desc, dn),
			      .price = price > 0 ? price : 0,
			      .currency = s->currency };
		if ((rc = import_product(cx, &p, &product_id, e)))
			return rc == E_INVAL ? import_bad(cx, s->col[C_STOCK], "%s", e->msg) : rc;
	}
	s->lines++;
	if (s->cancel) {
		int64_t cust_id;
		return_record r = { .kind = "cancellation", .product_id = product_id,
				    .qty = qty < 0 ? -qty : qty, .currency = s->currency,
				    .returned_at = when };
		r.amount = r.qty * (price < 0 ? -price : price);
		r.external_id = arena_printf(import_batch_arena(cx), "%s:%d", invoice, s->lines);
		if ((rc = resolve_customer(cx, s, &cust_id, e)))
			return rc == E_INVAL ? import_bad(cx, s->col[C_CUSTOMER], "%s", e->msg) : rc;
		r.customer_id = cust_id;
		if ((rc = import_return(cx, &r, e)))
			return rc == E_INVAL ? import_bad(cx, -1, "%s", e->msg) : rc;
		return E_OK;
	}
	s->items = xgrow(s->items, &s->cap_items, s->n_items + 1, sizeof(*s->items));
	s->items[s->n_items++] = (order_item){ .line_no = s->lines, .product_id = product_id,
					       .qty = qty, .unit_price = price };
	return E_OK;
}

static status uci_finish(import_ctx *cx, err *e)
{
	return flush_order(cx, import_state(cx), e);
}

static void uci_release(void *state)
{
	free(((uci_state *)state)->items);
}

const import_format import_format_uci = {
	.name = "uci",
	.kind = IMPORT_ORDERS,
	.detect = uci_detect,
	.begin = uci_begin,
	.row = uci_row,
	.finish = uci_finish,
	.release = uci_release,
	.defer_saves = true,
};
