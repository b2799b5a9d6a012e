/* transactions.c: a plain table of purchases: customer, date, amount and
 * optionally quantity, product and order id; comma/semicolon/tab or
 * whitespace separated, with or without a header (CDNOW's files are
 * whitespace tables, the sample without a header). Each row is one order;
 * without an order column its id is CUSTOMER:DATE:N, N counting that
 * customer's rows of the day, so re-importing the file finds the same ids
 * (rows of one customer are expected together, as in CDNOW). */
#include "ingest/format.h"
#include "ingest/normalize.h"
#include "core/strmap.h"

#include <ctype.h>
#include <strings.h>

enum { T_CUSTOMER, T_DATE, T_AMOUNT, T_QTY, T_PRODUCT, T_ORDER, T__COUNT };

static const char *const column_names[T__COUNT] = {
	[T_CUSTOMER] = "customer|customer_id|customerid|cust_id|client|user_id|id",
	[T_DATE] = "date|order_date|purchase_date|day|timestamp|time",
	[T_AMOUNT] = "amount|dollar_value|value|sales|revenue|total|spend|price",
	[T_QTY] = "quantity|qty|number_of_cds|cds|units|items",
	[T_PRODUCT] = "product|sku|item|product_id|stockcode",
	[T_ORDER] = "order|order_id|orderid|invoice|transaction_id",
};

typedef struct {
	int col[T__COUNT];
	const char *currency;
	int decimals;
	char last_customer[128];
	strmap day_counts; /* "date" -> rows so far, for the current customer */
} tx_state;

static bool all_numeric(const csv_row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t k = 0; k < r->len[i]; k++) {
			if (isalpha((unsigned char)r->field[i][k]))
				return false;
		}
	}
	return true;
}

static int tx_detect(const csv_row *h)
{
	bool has_customer = false, has_date = false, has_amount = false;

	if (all_numeric(h))
		return h->n >= 3 ? 40 : 0;
	for (size_t i = 0; i < h->n; i++) {
		const char *f = h->field[i];
		has_customer |= strcasestr(f, "cust") != NULL || strcasecmp(f, "id") == 0;
		has_date |= strcasestr(f, "date") != NULL;
		has_amount |= strcasestr(f, "amount") || strcasestr(f, "value") ||
			  strcasestr(f, "sales") || strcasestr(f, "revenue");
	}
	return has_customer && has_date && has_amount ? 50 : 0;
}

/* Positions for a file without a header, from its first row: the customer
 * is the first column, the date the first 8-digit or dashed/slashed value,
 * the amount the last value with a decimal point (else the last column),
 * a quantity the whole number between date and amount. */
static void guess_positions(tx_state *s, const csv_row *r)
{
	int date = -1, amount = -1;

	for (size_t i = 1; i < r->n && date < 0; i++) {
		const char *f = r->field[i];
		if ((r->len[i] == 8 && strspn(f, "0123456789") == 8) || strchr(f, '-') ||
		    strchr(f, '/'))
			date = (int)i;
	}
	for (size_t i = r->n; i-- > 1 && amount < 0;) {
		if (strchr(r->field[i], '.'))
			amount = (int)i;
	}
	if (amount < 0)
		amount = (int)r->n - 1;
	s->col[T_CUSTOMER] = 0;
	s->col[T_DATE] = date;
	s->col[T_AMOUNT] = amount;
	if (date >= 0 && amount - date >= 2)
		s->col[T_QTY] = amount - 1;
}

static status tx_begin(import_ctx *cx, const csv_row *header, err *e)
{
	tx_state *s = import_state_alloc(cx, sizeof(*s));
	const import_options *opt = import_opts(cx);

	for (int c = 0; c < T__COUNT; c++)
		s->col[c] = -1;
	if (all_numeric(header)) {
		import_first_row_is_data(cx);
		guess_positions(s, header);
		/* --map N=field still wins for files without a header. */
		for (int c = 0; c < T__COUNT; c++) {
			int col = import_column(cx, header, column_names[c]);
			if (col >= 0 && opt->n_maps)
				s->col[c] = col;
		}
	} else {
		for (int c = 0; c < T__COUNT; c++)
			s->col[c] = import_column(cx, header, column_names[c]);
	}
	for (int c = T_CUSTOMER; c <= T_AMOUNT; c++) {
		if (s->col[c] < 0)
			return err_set(e, E_INVAL,
				       "the transactions format needs a %.*s column "
				       "(name it in the header or give --map COLUMN=%.*s)",
				       (int)strcspn(column_names[c], "|"), column_names[c],
				       (int)strcspn(column_names[c], "|"), column_names[c]);
	}
	s->currency = opt->currency ? opt->currency : "USD";
	s->decimals = currency_decimals(s->currency);
	strmap_init(&s->day_counts, 0);
	return E_OK;
}

static status tx_row(import_ctx *cx, const csv_row *row, err *e)
{
	tx_state *s = import_state(cx);
	arena *a = import_batch_arena(cx);
	size_t n, dn;
	const char *v, *cust, *date;
	int64_t amount, qty = 1, when, seq;
	order_item item = { .line_no = 1 };
	order o = { 0 };
	customer c;
	status rc;

	cust = import_field(row, s->col[T_CUSTOMER], &n);
	if (!n)
		return import_bad(cx, s->col[T_CUSTOMER], "missing customer");
	if (n >= sizeof(s->last_customer))
		return import_bad(cx, s->col[T_CUSTOMER], "customer id longer than %zu bytes",
				  sizeof(s->last_customer) - 1);
	cust = arena_strndup(a, cust, n);
	date = import_field(row, s->col[T_DATE], &dn);
	if (import_time(cx, date, dn, &when, e))
		return import_bad(cx, s->col[T_DATE], "%s", e->msg);
	v = import_field(row, s->col[T_AMOUNT], &n);
	if (parse_money(v, n, s->decimals, false, &amount, e))
		return import_bad(cx, s->col[T_AMOUNT], "%s", e->msg);
	if (s->col[T_QTY] >= 0) {
		v = import_field(row, s->col[T_QTY], &n);
		if (parse_int(v, n, &qty, e))
			return import_bad(cx, s->col[T_QTY], "%s", e->msg);
	}

	customer_init(&c);
	c.external_id = cust;
	c.created_at = when;
	if ((rc = import_customer(cx, &c, &o.customer_id, e)))
		return rc == E_INVAL ? import_bad(cx, s->col[T_CUSTOMER], "%s", e->msg) : rc;

	v = import_field(row, s->col[T_ORDER], &n);
	if (n) {
		o.external_id = arena_strndup(a, v, n);
	} else {
		if (strcmp(cust, s->last_customer) != 0) {
			strmap_clear(&s->day_counts);
			snprintf(s->last_customer, sizeof(s->last_customer), "%s", cust);
		}
		seq = strmap_add(&s->day_counts, date, dn, 1);
		o.external_id = arena_printf(a, "%s:%.*s:%" PRId64, cust, (int)dn, date, seq);
	}
	o.placed_at = when;
	o.currency = s->currency;
	o.total = o.subtotal = amount;
	v = import_field(row, s->col[T_PRODUCT], &n);
	if (n) {
		product p = { .sku = arena_strndup(a, v, n), .currency = s->currency };
		if ((rc = import_product(cx, &p, &item.product_id, e)))
			return rc == E_INVAL ? import_bad(cx, s->col[T_PRODUCT], "%s", e->msg) : rc;
		item.qty = qty;
		item.unit_price = qty ? amount / qty : amount;
		o.items = &item;
		o.n_items = 1;
	}
	order_compute_totals(&o);
	if (!o.n_items)
		o.item_count = qty;
	if ((rc = import_order(cx, &o, e)))
		return rc == E_INVAL ? import_bad(cx, -1, "%s", e->msg) : rc;
	return E_OK;
}

static void tx_release(void *state)
{
	strmap_release(&((tx_state *)state)->day_counts);
}

const import_format import_format_transactions = {
	.name = "transactions",
	.kind = IMPORT_ORDERS,
	.detect = tx_detect,
	.begin = tx_begin,
	.row = tx_row,
	.release = tx_release,
	.accepts_whitespace = true,
	.defer_saves = true,
};
