/* order_query.c: order pages, lines of several orders, returns of a
 * customer (see order_query.h). */
#include "domain/order_query.h"

#define ORDER_COLS "SELECT " ORDER_ROW_COLUMNS " FROM orders o "
/* What read_line reads, of order_items `i` and products `p`. */
#define LINE_COLUMNS "i.order_id, i.line_no, i.product_id, i.qty, i.unit_price, i.unit_cost, p.sku, p.name"

/* One text per filter combination: bit 0 customer, 1 from, 2 to, 3 after.
 * Parameters are numbered $1 customer, $2 from, $3 to, $4/$5 after, $6
 * limit; a text uses only its own, so unused ones are never bound. */
static const char *const list_sql[16] = {
#define W(c, f, t, a) ORDER_COLS "WHERE 1 = 1" c f t a " ORDER BY o.placed_at DESC, o.id DESC LIMIT $6"
#define C	      " AND o.customer_id = $1"
#define F	      " AND o.placed_at >= $2"
#define T	      " AND o.placed_at <= $3"
#define A	      " AND (o.placed_at, o.id) < ($4, $5)"
	W("", "", "", ""), W(C, "", "", ""), W("", F, "", ""), W(C, F, "", ""),
	W("", "", T, ""),  W(C, "", T, ""),  W("", F, T, ""),  W(C, F, T, ""),
	W("", "", "", A),  W(C, "", "", A),  W("", F, "", A),  W(C, F, "", A),
	W("", "", T, A),   W(C, "", T, A),   W("", F, T, A),   W(C, F, T, A),
#undef W
#undef C
#undef F
#undef T
#undef A
};

/* Reads LINE_COLUMNS from column `c` on. */
static void read_line(stmt *s, int c, arena *a, order_line *l)
{
	memset(l, 0, sizeof(*l));
	l->order_id = stmt_int64(s, c);
	l->item.line_no = (int)stmt_int64(s, c + 1);
	l->item.product_id = domain_col_id(s, c + 2);
	l->item.qty = stmt_int64(s, c + 3);
	l->item.unit_price = stmt_int64(s, c + 4);
	if (!stmt_null(s, c + 5))
		l->item.unit_cost = opt_some(stmt_int64(s, c + 5));
	l->sku = domain_col_str(s, c + 6, a);
	l->product_name = domain_col_str(s, c + 7, a);
}

/* Lines gathered in an arena array that doubles as it fills. */
typedef struct {
	order_line *all;
	size_t count, cap;
} line_buf;

/* Reads LINE_COLUMNS from column `c` on into a new entry of `b`. */
static void push_line(line_buf *b, stmt *s, int c, arena *a)
{
	if (b->count == b->cap) {
		order_line *bigger;
		b->cap = b->cap ? b->cap * 2 : 16;
		bigger = arena_alloc(a, b->cap * sizeof(*bigger));
		if (b->count)
			memcpy(bigger, b->all, b->count * sizeof(*bigger));
		b->all = bigger;
	}
	read_line(s, c, a, &b->all[b->count++]);
}

/* Attaches the lines in `b`, which come in the order of `orders` (each
 * order's lines the next run), to their orders, then hands them out in
 * `*lines` and `*nlines` (each may be NULL). */
static status attach_lines(order *orders, size_t n, const line_buf *b, arena *a, order_line **lines,
			   size_t *nlines, err *e)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t first = k;
		order_item *items;
		while (k < b->count && b->all[k].order_id == orders[i].id)
			k++;
		orders[i].n_items = k - first;
		items = arena_alloc(a, (orders[i].n_items + 1) * sizeof(*items));
		for (size_t j = 0; j < orders[i].n_items; j++)
			items[j] = b->all[first + j].item;
		orders[i].items = items;
	}
	if (k != b->count)
		return err_set(e, E_INTERNAL, "order lines out of order");
	if (lines)
		*lines = b->all;
	if (nlines)
		*nlines = b->count;
	return E_OK;
}

status order_list(store *st, const order_query *q, arena *a, order **rows, size_t *n, bool *more,
		  err *e)
{
	int limit = q->limit > 0 && q->limit <= 1000 ? q->limit : 50;
	unsigned k = (q->customer_id ? 1u : 0u) | (q->has_from ? 2u : 0u) | (q->has_to ? 4u : 0u) |
		     (q->after_id ? 8u : 0u);
	status rc;
	stmt *s;

	*rows = arena_alloc(a, (size_t)limit * sizeof(**rows));
	*n = 0;
	*more = false;
	if ((rc = store_prepare(st, list_sql[k], &s, e)))
		return rc;
	/* Every text ends with $6, so $1..$5 all exist: unused ones bind
	 * harmlessly. */
	stmt_bind_int64(s, 1, q->customer_id);
	stmt_bind_int64(s, 2, q->from);
	stmt_bind_int64(s, 3, q->to);
	stmt_bind_int64(s, 4, q->after_placed_at);
	stmt_bind_int64(s, 5, q->after_id);
	stmt_bind_int64(s, 6, limit + 1);
	while (domain_page_row(s, *n, limit, more, e))
		order_from_row(s, a, &(*rows)[(*n)++]);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status order_lines_load(store *st, order *orders, size_t n, arena *a, order_line **lines,
			size_t *nlines, err *e)
{
	static const char *const sql = "SELECT " LINE_COLUMNS " FROM order_items i "
				       "LEFT JOIN products p ON p.id = i.product_id "
				       "WHERE i.order_id = $1 ORDER BY i.line_no";
	line_buf b = { 0 };
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	for (size_t k = 0; k < n && !rc; k++) {
		stmt_reset(s);
		stmt_bind_int64(s, 1, orders[k].id);
		while (stmt_row(s, e))
			push_line(&b, s, 0, a);
		rc = e->code;
	}
	stmt_done(s);
	return rc ? rc : attach_lines(orders, n, &b, a, lines, nlines, e);
}

status order_page_lines(store *st, const order_query *q, order *orders, size_t n, arena *a,
			order_line **lines, size_t *nlines, err *e)
{
	/* The page is a run of the (placed_at DESC, id DESC) order, so the
	 * orders between its first and last that pass the customer filter
	 * are exactly its own (the time filters hold between them anyway).
	 * placed_at BETWEEN lets the index bound the scan; the row values
	 * cut the ends exactly. */
#define PAGE_LINES(customer)                                                    \
	"SELECT " LINE_COLUMNS " FROM orders o JOIN order_items i ON i.order_id = o.id " \
	"LEFT JOIN products p ON p.id = i.product_id WHERE " customer              \
	"o.placed_at BETWEEN $4 AND $2 AND (o.placed_at, o.id) <= ($2, $3) "       \
	"AND (o.placed_at, o.id) >= ($4, $5) "                                     \
	"ORDER BY o.placed_at DESC, o.id DESC, i.line_no"
	static const char *const sql[2] = { PAGE_LINES(""), PAGE_LINES("o.customer_id = $1 AND ") };
#undef PAGE_LINES
	line_buf b = { 0 };
	status rc;
	stmt *s;

	if (lines)
		*lines = NULL;
	if (nlines)
		*nlines = 0;
	if (n == 0)
		return E_OK;
	if ((rc = store_prepare(st, sql[q->customer_id != 0], &s, e)))
		return rc;
	if (q->customer_id)
		stmt_bind_int64(s, 1, q->customer_id);
	stmt_bind_int64(s, 2, orders[0].placed_at);
	stmt_bind_int64(s, 3, orders[0].id);
	stmt_bind_int64(s, 4, orders[n - 1].placed_at);
	stmt_bind_int64(s, 5, orders[n - 1].id);
	while (stmt_row(s, e))
		push_line(&b, s, 0, a);
	rc = e->code;
	stmt_done(s);
	return rc ? rc : attach_lines(orders, n, &b, a, lines, nlines, e);
}

/* Newest first: placed_at, then id, both descending. */
static int newer_first(const void *pa, const void *pb)
{
	const order *a = pa, *b = pb;

	if (a->placed_at != b->placed_at)
		return a->placed_at > b->placed_at ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

/* Puts `b`'s lines in the order of `orders` (each order's lines by line
 * number) and drops lines of other orders. */
static void order_lines_like(line_buf *b, const order *orders, size_t n, arena *a)
{
	order_line *sorted = arena_alloc(a, (b->count + 1) * sizeof(*sorted));
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		size_t first = count;
		for (size_t k = 0; k < b->count; k++) {
			size_t j;
			if (b->all[k].order_id != orders[i].id)
				continue;
			/* Insertion by line number: an order has few lines. */
			for (j = count++; j > first && sorted[j - 1].item.line_no >
							       b->all[k].item.line_no;
			     j--)
				sorted[j] = sorted[j - 1];
			sorted[j] = b->all[k];
		}
	}
	b->all = sorted;
	b->count = count;
	b->cap = count;
}

/* One statement, where a page and then its lines would be two (two round
 * trips on PostgreSQL): the page's ids come from the orders_customer index
 * in its order (migration 012), then a row per line (one with NULL line
 * columns for an order without lines). No ORDER BY over the join: SQLite
 * would sort in a temporary b-tree on every call; the few rows are put in
 * order here instead. CROSS JOIN keeps the page first, which lets SQLite
 * run it as a co-routine instead of filling a temporary table. The page
 * takes one order more than asked to tell whether more follow. */
static const char *const latest_sql = "SELECT " ORDER_ROW_COLUMNS ", " LINE_COLUMNS
				      " FROM (SELECT id FROM orders WHERE customer_id = $1"
				      " ORDER BY placed_at DESC, id DESC LIMIT $2) page"
				      " CROSS JOIN orders o"
				      " LEFT JOIN order_items i ON i.order_id = o.id"
				      " LEFT JOIN products p ON p.id = i.product_id"
				      " WHERE o.id = page.id";

status order_latest_send(store *st, int64_t customer_id, int limit, stmt **out, err *e)
{
	status rc;

	if ((rc = store_prepare(st, latest_sql, out, e)))
		return rc;
	stmt_bind_int64(*out, 1, customer_id);
	stmt_bind_int64(*out, 2, limit + 1);
	stmt_send(*out);
	return E_OK;
}

status order_latest_read(stmt *s, int limit, arena *a, order **rows, size_t *n, bool *more,
			 order_line **lines, size_t *nlines, err *e)
{
	enum { LINE_COL = 16 }; /* where LINE_COLUMNS start */
	order *got = arena_alloc(a, ((size_t)limit + 1) * sizeof(*got));
	size_t ngot = 0;
	line_buf b = { 0 };
	status rc;

	*rows = got;
	*n = 0;
	*more = false;
	while (stmt_row(s, e)) {
		int64_t id = stmt_int64(s, 0);
		size_t k = 0;
		while (k < ngot && got[k].id != id)
			k++;
		if (k == ngot && ngot <= (size_t)limit)
			order_from_row(s, a, &got[ngot++]);
		if (!stmt_null(s, LINE_COL))
			push_line(&b, s, LINE_COL, a);
	}
	rc = e->code;
	stmt_done(s);
	if (rc)
		return rc;
	qsort(got, ngot, sizeof(*got), newer_first);
	/* One order more than the limit only says that more follow. */
	*more = ngot > (size_t)limit;
	*n = *more ? (size_t)limit : ngot;
	order_lines_like(&b, got, *n, a);
	return attach_lines(got, *n, &b, a, lines, nlines, e);
}

status order_latest_of_customer(store *st, int64_t customer_id, int limit, arena *a, order **rows,
				size_t *n, bool *more, order_line **lines, size_t *nlines, err *e)
{
	stmt *s;
	status rc = order_latest_send(st, customer_id, limit, &s, e);

	return rc ? rc : order_latest_read(s, limit, a, rows, n, more, lines, nlines, e);
}

status order_find_external(store *st, const char *external_id, int64_t *id, err *e)
{
	status rc;
	stmt *s;

	*id = 0;
	if ((rc = store_prepare(st, "SELECT id FROM orders WHERE external_id = $1", &s, e)))
		return rc;
	stmt_bind_text(s, 1, external_id);
	if (stmt_row(s, e))
		*id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status returns_of_customer_send(store *st, int64_t id, int limit, stmt **out, err *e)
{
	static const char *const sql =
		"SELECT id, external_id, kind, order_id, customer_id, product_id, qty, amount, "
		"currency, reason, returned_at FROM returns WHERE customer_id = $1 "
		"ORDER BY returned_at DESC, id DESC LIMIT $2";
	status rc;

	if ((rc = store_prepare(st, sql, out, e)))
		return rc;
	stmt_bind_int64(*out, 1, id);
	stmt_bind_int64(*out, 2, limit + 1);
	stmt_send(*out);
	return E_OK;
}

status returns_of_customer_read(stmt *s, int limit, arena *a, return_record **rows, size_t *n,
				bool *more, err *e)
{
	size_t cap = 16;
	status rc;

	*rows = arena_alloc(a, cap * sizeof(**rows));
	*n = 0;
	*more = false;
	while (domain_page_row(s, *n, limit, more, e)) {
		return_record *r;
		if (*n == cap) {
			return_record *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *rows, cap * sizeof(*bigger));
			*rows = bigger;
			cap *= 2;
		}
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->id = stmt_int64(s, 0);
		r->external_id = domain_col_str(s, 1, a);
		r->kind = domain_col_str(s, 2, a);
		r->order_id = domain_col_id(s, 3);
		r->customer_id = domain_col_id(s, 4);
		r->product_id = domain_col_id(s, 5);
		r->qty = stmt_int64(s, 6);
		r->amount = stmt_int64(s, 7);
		r->currency = domain_col_str(s, 8, a);
		r->reason = domain_col_str(s, 9, a);
		r->returned_at = stmt_int64(s, 10);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status returns_of_customer(store *st, int64_t id, int limit, arena *a, return_record **rows,
			   size_t *n, bool *more, err *e)
{
	stmt *s;
	status rc = returns_of_customer_send(st, id, limit, &s, e);

	return rc ? rc : returns_of_customer_read(s, limit, a, rows, n, more, e);
}
