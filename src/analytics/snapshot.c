/* snapshot.c: loading the analytics columns: rows are staged as they come
 * from the store (in table order, the cheapest scan), then grouped by
 * customer with a counting sort and sorted by day within each customer.
 *
 * Orders arrive in random customer order, so grouping is dominated by cache
 * misses: ids are mapped to indexes in a separate parallel pass (misses
 * overlap there, not between SQLite steps), and whole records are scattered
 * at once (one miss per order instead of one per column), then split into
 * columns sequentially. */
#include "analytics/snapshot.h"
#include "analytics/parallel.h"
#include "core/xalloc.h"

#include <math.h>
#include <pthread.h>

typedef struct {
	int64_t cid; /* customers.id: mapped to an index when finishing */
	int64_t total, margin;
	int32_t day, items;
	bool cost_unknown;
} staged_order;

typedef struct {
	int32_t cust, day;
	int64_t amount;
} staged_return;

struct snapshot_builder {
	int64_t *cid;
	int32_t *cday;
	size_t nc, cap_c;
	/* id -> index: a direct table when ids are dense enough, else binary
	 * search in cid. Built when the first order or return arrives. */
	bool frozen;
	int32_t *map;
	int64_t map_base;
	size_t map_len;
	staged_order *o;
	size_t no, cap_o;
	staged_return *r;
	size_t nr, cap_r;
	int64_t returns_skipped;
};

void snapshot_options_default(snapshot_options *o)
{
	o->margin_ratio = -1.0;
	o->threads = 1;
	o->uri = NULL;
}

snapshot_builder *snapshot_builder_new(void)
{
	return xcalloc(1, sizeof(snapshot_builder));
}

void snapshot_builder_free(snapshot_builder *b)
{
	if (!b)
		return;
	free(b->cid);
	free(b->cday);
	free(b->map);
	free(b->o);
	free(b->r);
	free(b);
}

status snapshot_add_customer(snapshot_builder *b, int64_t id, int64_t created_at, err *e)
{
	if (b->frozen)
		return err_set(e, E_INVAL, "snapshot: customer %" PRId64 " added after orders", id);
	if (b->nc && id <= b->cid[b->nc - 1])
		return err_set(e, E_INVAL,
			       "snapshot: customer ids must ascend (%" PRId64 " after %" PRId64 ")",
			       id, b->cid[b->nc - 1]);
	if (b->nc >= INT32_MAX)
		return err_set(e, E_TOOBIG, "snapshot: more than %d customers", INT32_MAX);
	if (b->nc == b->cap_c) {
		size_t cap = b->cap_c;
		b->cid = xgrow(b->cid, &cap, b->nc + 1, sizeof(*b->cid));
		b->cday = xgrow(b->cday, &b->cap_c, b->nc + 1, sizeof(*b->cday));
	}
	b->cid[b->nc] = id;
	b->cday[b->nc] = snapshot_day(created_at);
	b->nc++;
	return E_OK;
}

/* Ids from an INTEGER PRIMARY KEY are usually dense: a direct table of 4
 * bytes per id in the span beats a binary search per order by far. */
static void freeze(snapshot_builder *b)
{
	b->frozen = true;
	if (!b->nc)
		return;
	uint64_t span = (uint64_t)b->cid[b->nc - 1] - (uint64_t)b->cid[0] + 1;
	if (span > 4 * (uint64_t)b->nc + 4096)
		return;
	b->map_base = b->cid[0];
	b->map_len = (size_t)span;
	b->map = xmalloc(b->map_len * sizeof(*b->map));
	for (size_t i = 0; i < b->map_len; i++)
		b->map[i] = -1;
	for (size_t i = 0; i < b->nc; i++)
		b->map[b->cid[i] - b->map_base] = (int32_t)i;
}

static int32_t find_id(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? (int32_t)lo : -1;
}

static int32_t lookup(snapshot_builder *b, int64_t id)
{
	if (!b->frozen)
		freeze(b);
	if (b->map) {
		/* Unsigned compare: ids below the base wrap to huge offsets. */
		uint64_t off = (uint64_t)id - (uint64_t)b->map_base;
		return off < b->map_len ? b->map[off] : -1;
	}
	return find_id(b->cid, b->nc, id);
}

void snapshot_add_order(snapshot_builder *b, int64_t customer_id, int64_t placed_at, int64_t total,
			int64_t cogs, bool cogs_known, int32_t items)
{
	if (!b->frozen)
		freeze(b);
	b->o = xgrow(b->o, &b->cap_o, b->no + 1, sizeof(*b->o));
	b->o[b->no++] = (staged_order){ .cid = customer_id,
					.total = total,
					.margin = cogs_known ? total - cogs : 0,
					.day = snapshot_day(placed_at),
					.items = items,
					.cost_unknown = !cogs_known };
}

void snapshot_add_return(snapshot_builder *b, int64_t customer_id, int64_t returned_at,
			 int64_t amount)
{
	int32_t c = lookup(b, customer_id);

	if (c < 0) {
		b->returns_skipped++;
		return;
	}
	b->r = xgrow(b->r, &b->cap_r, b->nr + 1, sizeof(*b->r));
	b->r[b->nr++] = (staged_return){ c, snapshot_day(returned_at), amount };
}

/* Counting sort step: turns per-customer counts in start[c + 1] into
 * offsets, so start[c] is customer c's first slot and start[nc] the total. */
static void prefix_sum(int64_t *start, size_t nc)
{
	for (size_t c = 0; c < nc; c++)
		start[c + 1] += start[c];
}

/* An order while grouping: `seq` is its place among its customer's orders
 * in table order, so sorting by (day, seq) is stable. */
typedef struct {
	int32_t day, seq, items;
	int64_t total, margin;
} order_rec;

typedef struct {
	int32_t day, pos;
	int64_t amount;
} return_rec;

static int cmp_day_pos(int32_t ad, int32_t ap, int32_t bd, int32_t bp)
{
	if (ad != bd)
		return ad < bd ? -1 : 1;
	return (ap > bp) - (ap < bp);
}

static int cmp_order_rec(const void *a, const void *b)
{
	const order_rec *x = a, *y = b;
	return cmp_day_pos(x->day, x->seq, y->day, y->seq);
}

static int cmp_return_rec(const void *a, const void *b)
{
	const return_rec *x = a, *y = b;
	return cmp_day_pos(x->day, x->pos, y->day, y->pos);
}

static bool days_sorted(const int32_t *day, int64_t from, int64_t to)
{
	for (int64_t i = from + 1; i < to; i++) {
		if (day[i] < day[i - 1])
			return false;
	}
	return true;
}

typedef struct {
	snapshot_builder *b;
	snapshot *s;
	int32_t *cust;	/* per staged order: customer index or -1 */
	order_rec *rec; /* grouped by customer */
	int64_t *next;	/* scatter: next free slot per customer */
	/* scatter, per worker: orders whose margin came from the ratio, and
	 * the first and last order day */
	int64_t unknown[64];
	int32_t first[64], last[64];
} group_ctx;

static void map_chunk(void *arg, size_t begin, size_t end, int worker)
{
	group_ctx *g = arg;

	(void)worker;
	for (size_t i = begin; i < end; i++)
		g->cust[i] = lookup(g->b, g->b->o[i].cid);
}

/* Moves the staged orders of customers [begin, end) to their slots. Each
 * worker reads every staged row and moves its own customers' only: the
 * moves are random writes bound by memory latency, which the workers then
 * wait for side by side, each in its own part of the records. A customer's
 * orders keep their table order (seq). */
static void scatter_chunk(void *arg, size_t begin, size_t end, int worker)
{
	group_ctx *g = arg;
	const snapshot_builder *b = g->b;
	const double ratio = g->s->margin_ratio;
	int64_t unknown = 0;
	int32_t first = INT32_MAX, last = INT32_MIN;

	for (size_t i = 0; i < b->no; i++) {
		const staged_order *o = &b->o[i];
		int32_t c = g->cust[i];
		int64_t margin = o->margin;

		if (c < 0 || (size_t)c < begin || (size_t)c >= end)
			continue;
		if (o->cost_unknown) {
			margin = llround((double)o->total * ratio);
			unknown++;
		}
		first = o->day < first ? o->day : first;
		last = o->day > last ? o->day : last;
		int64_t k = g->next[c]++;
		g->rec[k] = (order_rec){ o->day, (int32_t)(k - g->s->order_start[c]), o->items,
					 o->total, margin };
	}
	g->unknown[worker] = unknown;
	g->first[worker] = first;
	g->last[worker] = last;
}

/* Sorts each customer's orders by day and splits the records into the
 * snapshot's columns; customers are split among threads. */
static void split_chunk(void *arg, size_t begin, size_t end, int worker)
{
	group_ctx *g = arg;
	snapshot *s = g->s;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t a = s->order_start[c], z = s->order_start[c + 1];
		bool sorted = true;

		for (int64_t i = a + 1; i < z && sorted; i++)
			sorted = g->rec[i].day >= g->rec[i - 1].day;
		if (!sorted)
			qsort(g->rec + a, (size_t)(z - a), sizeof(*g->rec), cmp_order_rec);
		for (int64_t i = a; i < z; i++) {
			s->order_cust[i] = (int32_t)c;
			s->order_day[i] = g->rec[i].day;
			s->order_items[i] = g->rec[i].items;
			s->order_total[i] = g->rec[i].total;
			s->order_margin[i] = g->rec[i].margin;
		}
	}
}

/* Sorts each customer's returns by day. */
static void sort_returns_chunk(void *arg, size_t begin, size_t end, int worker)
{
	snapshot *s = arg;
	return_rec *rrec = NULL;
	size_t rcap = 0;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t a = s->return_start[c], z = s->return_start[c + 1];
		if (days_sorted(s->return_day, a, z))
			continue;
		size_t m = (size_t)(z - a);
		rrec = xgrow(rrec, &rcap, m, sizeof(*rrec));
		for (size_t i = 0; i < m; i++)
			rrec[i] = (return_rec){ s->return_day[a + i], (int32_t)i,
						s->return_amount[a + i] };
		qsort(rrec, m, sizeof(*rrec), cmp_return_rec);
		for (size_t i = 0; i < m; i++) {
			s->return_day[a + i] = rrec[i].day;
			s->return_amount[a + i] = rrec[i].amount;
		}
	}
	free(rrec);
}

static double infer_ratio(const snapshot_builder *b, const int32_t *cust)
{
	long double margin = 0, total = 0;

	for (size_t i = 0; i < b->no; i++) {
		if (cust[i] < 0 || b->o[i].cost_unknown)
			continue;
		margin += b->o[i].margin;
		total += b->o[i].total;
	}
	return total > 0 ? (double)(margin / total) : 1.0;
}

static void group_orders(snapshot_builder *b, const snapshot_options *opt, snapshot *s)
{
	size_t staged = b->no, n = 0, nc = b->nc;
	group_ctx g = { .b = b, .s = s, .cust = xmalloc((staged ? staged : 1) * sizeof(int32_t)) };
	int64_t *next;

	parallel_for(opt->threads, staged, 65536, map_chunk, &g);
	s->margin_ratio = opt->margin_ratio >= 0 ? opt->margin_ratio : infer_ratio(b, g.cust);
	s->order_start = xcalloc(nc + 1, sizeof(*s->order_start));
	for (size_t i = 0; i < staged; i++) {
		if (g.cust[i] < 0) {
			s->orders_skipped++;
			continue;
		}
		s->order_start[g.cust[i] + 1]++;
		n++;
	}
	prefix_sum(s->order_start, nc);

	/* Scatter whole records; the staged rows go as soon as they are moved. */
	g.rec = xmalloc((n ? n : 1) * sizeof(*g.rec));
	next = xmalloc((nc + 1) * sizeof(*next));
	memcpy(next, s->order_start, (nc + 1) * sizeof(*next));
	g.next = next;
	int used = parallel_for(opt->threads < 64 ? opt->threads : 64, nc, 4096, scatter_chunk, &g);
	s->n_orders = (int64_t)n;
	int32_t first = INT32_MAX, last = INT32_MIN;
	for (int w = 0; w < used; w++) {
		s->orders_cost_unknown += g.unknown[w];
		first = g.first[w] < first ? g.first[w] : first;
		last = g.last[w] > last ? g.last[w] : last;
	}
	if (n) {
		s->first_order_day = first;
		s->last_order_day = last;
	}
	free(next);
	free(g.cust);
	free(b->o);
	b->o = NULL;

	s->order_cust = xmalloc((n ? n : 1) * sizeof(*s->order_cust));
	s->order_day = xmalloc((n ? n : 1) * sizeof(*s->order_day));
	s->order_total = xmalloc((n ? n : 1) * sizeof(*s->order_total));
	s->order_margin = xmalloc((n ? n : 1) * sizeof(*s->order_margin));
	s->order_items = xmalloc((n ? n : 1) * sizeof(*s->order_items));
	parallel_for(opt->threads, nc, 4096, split_chunk, &g);
	free(g.rec);
}

static void group_returns(snapshot_builder *b, snapshot *s)
{
	size_t n = b->nr;
	int64_t *next;

	s->n_returns = (int64_t)n;
	s->return_start = xcalloc(b->nc + 1, sizeof(*s->return_start));
	for (size_t i = 0; i < n; i++)
		s->return_start[b->r[i].cust + 1]++;
	prefix_sum(s->return_start, b->nc);
	s->return_cust = xmalloc((n ? n : 1) * sizeof(*s->return_cust));
	s->return_day = xmalloc((n ? n : 1) * sizeof(*s->return_day));
	s->return_amount = xmalloc((n ? n : 1) * sizeof(*s->return_amount));
	next = xmalloc((b->nc + 1) * sizeof(*next));
	memcpy(next, s->return_start, (b->nc + 1) * sizeof(*next));
	for (size_t i = 0; i < n; i++) {
		int64_t k = next[b->r[i].cust]++;
		s->return_cust[k] = b->r[i].cust;
		s->return_day[k] = b->r[i].day;
		s->return_amount[k] = b->r[i].amount;
	}
	free(next);
	free(b->r);
	b->r = NULL;
}

void snapshot_release(snapshot *s)
{
	if (!s)
		return;
	free(s->customer_id);
	free(s->created_day);
	free(s->order_start);
	free(s->order_cust);
	free(s->order_day);
	free(s->order_total);
	free(s->order_margin);
	free(s->order_items);
	free(s->return_start);
	free(s->return_cust);
	free(s->return_day);
	free(s->return_amount);
	memset(s, 0, sizeof(*s));
}

int32_t snapshot_find(const snapshot *s, int64_t customer_id)
{
	return find_id(s->customer_id, (size_t)s->n_customers, customer_id);
}

/* ---- loading from the store ---- */

/* Live customers: answered from the partial index customers_live_created
 * (created_at, id) without touching the wide customers rows; sorted by id
 * in memory (read_customers). */
static const char *const sql_customers =
	"SELECT id, created_at FROM customers WHERE merged_into IS NULL";
/* Orders of a range of customer ids, grouped by customer and in time order
 * within one: the orders_customer index (migration 009) holds every column
 * read, so this walks the index alone and the rows need no grouping. */
static const char *const sql_orders =
	"SELECT customer_id, placed_at, total, cogs, item_count FROM orders"
	" WHERE customer_id BETWEEN $1 AND $2 ORDER BY customer_id, placed_at";
/* Subqueries: SQLite answers a lone MIN or MAX of a key from the b-tree's
 * ends, but both in one SELECT scan the whole table. */
static const char *const sql_customer_ids =
	"SELECT (SELECT MIN(id) FROM customers), (SELECT MAX(id) FROM customers)";
/* Row counts, about (ids are about dense): to size arrays and split work. */
static const char *const sql_order_ids =
	"SELECT (SELECT MIN(id) FROM orders), (SELECT MAX(id) FROM orders)";
static const char *const sql_return_ids =
	"SELECT (SELECT MIN(id) FROM returns), (SELECT MAX(id) FROM returns)";
/* A return without a customer is charged to the customer of its order,
 * looked up only then: as a join, PostgreSQL hashed every order (2 s for
 * 3M orders) to serve the few returns that need one. */
static const char *const sql_returns =
	"SELECT COALESCE(r.customer_id,"
	" (SELECT o.customer_id FROM orders o WHERE o.id = r.order_id)), r.returned_at, r.amount"
	" FROM returns r";

/* Orders as read, one column each; `margin` is total - cogs, or 0 with
 * `unknown` set when the cost is unknown. */
typedef struct {
	int64_t *cid, *total, *margin;
	int32_t *day, *items;
	uint8_t *unknown;
	size_t n, cap;
	bool sorted; /* by (cid, day), as asked of the store */
} order_cols;

static void cols_grow(order_cols *g, size_t need)
{
	size_t cap;

	if (need <= g->cap)
		return;
	cap = g->cap;
	g->cid = xgrow(g->cid, &cap, need, sizeof(*g->cid));
	cap = g->cap;
	g->total = xgrow(g->total, &cap, need, sizeof(*g->total));
	cap = g->cap;
	g->margin = xgrow(g->margin, &cap, need, sizeof(*g->margin));
	cap = g->cap;
	g->day = xgrow(g->day, &cap, need, sizeof(*g->day));
	cap = g->cap;
	g->items = xgrow(g->items, &cap, need, sizeof(*g->items));
	g->unknown = xgrow(g->unknown, &g->cap, need, sizeof(*g->unknown));
}

static void cols_free(order_cols *g)
{
	free(g->cid);
	free(g->total);
	free(g->margin);
	free(g->day);
	free(g->items);
	free(g->unknown);
	memset(g, 0, sizeof(*g));
}

/* Room for about `rows` orders, so a million-row column is not copied over
 * and over as it grows (bounded: ids may be sparse). */
static void cols_reserve(order_cols *g, int64_t rows)
{
	if (rows > 0)
		cols_grow(g, (uint64_t)rows < ((uint64_t)1 << 27) ? (size_t)rows : (size_t)1 << 27);
}

/* Appends `b`'s rows to `a`'s and frees `b`. */
static void cols_append(order_cols *a, order_cols *b)
{
	size_t n = b->n;

	if (n) {
		cols_grow(a, a->n + n);
		memcpy(a->cid + a->n, b->cid, n * sizeof(*a->cid));
		memcpy(a->total + a->n, b->total, n * sizeof(*a->total));
		memcpy(a->margin + a->n, b->margin, n * sizeof(*a->margin));
		memcpy(a->day + a->n, b->day, n * sizeof(*a->day));
		memcpy(a->items + a->n, b->items, n * sizeof(*a->items));
		memcpy(a->unknown + a->n, b->unknown, n * sizeof(*a->unknown));
		if (a->n && (b->cid[0] < a->cid[a->n - 1] ||
			     (b->cid[0] == a->cid[a->n - 1] && b->day[0] < a->day[a->n - 1])))
			a->sorted = false;
		a->n += n;
	}
	a->sorted = a->sorted && b->sorted;
	cols_free(b);
}

typedef struct {
	int64_t id;
	int32_t day;
} customer_row;

static int cmp_customer_row(const void *a, const void *b)
{
	const customer_row *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Puts the customers in ascending id order: by placing each at its id when
 * ids are dense (as INTEGER PRIMARY KEYs are), else by qsort. */
static void sort_customers(snapshot_builder *b, int64_t lo, int64_t hi)
{
	size_t n = b->nc;
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;

	if (hi >= lo && span <= 4 * (uint64_t)n + 4096) {
		uint8_t *has = xcalloc((size_t)span, 1);
		int32_t *day = xmalloc((size_t)span * sizeof(*day));
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			size_t off = (size_t)(b->cid[i] - lo);
			has[off] = 1;
			day[off] = b->cday[i];
		}
		for (size_t off = 0; off < (size_t)span; off++) {
			if (!has[off])
				continue;
			b->cid[k] = lo + (int64_t)off;
			b->cday[k++] = day[off];
		}
		free(has);
		free(day);
		return;
	}
	customer_row *r = xmalloc((n ? n : 1) * sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = (customer_row){ b->cid[i], b->cday[i] };
	qsort(r, n, sizeof(*r), cmp_customer_row);
	for (size_t i = 0; i < n; i++) {
		b->cid[i] = r[i].id;
		b->cday[i] = r[i].day;
	}
	free(r);
}

/* Reads the live customers into `b` (ids ascending); `lo` and `hi` bound
 * the ids (MIN and MAX over all customers). */
static status read_customers(store *st, snapshot_builder *b, int64_t lo, int64_t hi, err *e)
{
	bool ascending = true;
	status rc;
	stmt *s;

	if ((rc = store_prepare_scan(st, sql_customers, &s, e)))
		return rc;
	/* room for the id span (about the count), bounded for sparse ids */
	if (hi >= lo) {
		uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
		size_t want = span < ((uint64_t)1 << 24) ? (size_t)span : (size_t)1 << 24;
		size_t cap = b->cap_c;
		b->cid = xgrow(b->cid, &cap, want, sizeof(*b->cid));
		b->cday = xgrow(b->cday, &b->cap_c, want, sizeof(*b->cday));
	}
	while (stmt_row(s, e)) {
		int64_t id = stmt_int64(s, 0);

		if (b->nc >= INT32_MAX) {
			rc = err_set(e, E_TOOBIG, "snapshot: more than %d customers", INT32_MAX);
			break;
		}
		if (b->nc == b->cap_c) {
			size_t cap = b->cap_c;
			b->cid = xgrow(b->cid, &cap, b->nc + 1, sizeof(*b->cid));
			b->cday = xgrow(b->cday, &b->cap_c, b->nc + 1, sizeof(*b->cday));
		}
		if (b->nc && id <= b->cid[b->nc - 1])
			ascending = false;
		b->cid[b->nc] = id;
		b->cday[b->nc++] = snapshot_day(stmt_int64(s, 1));
	}
	if (!rc)
		rc = e->code;
	stmt_done(s);
	if (!rc && !ascending)
		sort_customers(b, lo, hi);
	return rc;
}

/* Appends the orders of customers lo..hi to `g`. */
static status read_orders(store *st, int64_t lo, int64_t hi, order_cols *g, err *e)
{
	int64_t prev_cid = INT64_MIN;
	int32_t prev_day = INT32_MIN;
	status rc;
	stmt *s;

	if ((rc = store_prepare_scan(st, sql_orders, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, lo);
	stmt_bind_int64(s, 2, hi);
	g->sorted = true;
	while (stmt_row(s, e)) {
		size_t i = g->n;
		int64_t cid = stmt_int64(s, 0), total = stmt_int64(s, 2);
		int32_t day = snapshot_day(stmt_int64(s, 1));
		bool unknown = stmt_null(s, 3);

		if (i == g->cap)
			cols_grow(g, i + 1);
		if (cid < prev_cid || (cid == prev_cid && day < prev_day))
			g->sorted = false;
		prev_cid = cid;
		prev_day = day;
		g->cid[i] = cid;
		g->day[i] = day;
		g->total[i] = total;
		g->margin[i] = unknown ? 0 : total - stmt_int64(s, 3);
		g->items[i] = (int32_t)stmt_int64(s, 4);
		g->unknown[i] = unknown;
		g->n = i + 1;
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

static status read_returns(store *st, snapshot_builder *b, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare_scan(st, sql_returns, &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		if (stmt_null(s, 0)) {
			b->returns_skipped++;
			continue;
		}
		snapshot_add_return(b, stmt_int64(s, 0), stmt_int64(s, 1), stmt_int64(s, 2));
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* Two int64 columns of a one-row query (NULL reads as 0). */
static status query_pair(store *st, const char *sql, int64_t *a, int64_t *b, err *e)
{
	status rc;
	stmt *s;

	*a = *b = 0;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	if (stmt_row(s, e)) {
		*a = stmt_int64(s, 0);
		*b = stmt_int64(s, 1);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* Orders that came grouped and in time order become the snapshot's order
 * columns as they are: customer ids turn into indexes in one merge walk
 * against the ascending customer ids, orders of customers not in the
 * snapshot are dropped (counted), and costs left unknown get their margin
 * from the ratio. O(C + O), sequential memory access only. */
static void adopt_grouped(snapshot_builder *b, order_cols *g, const snapshot_options *opt,
			  snapshot *s)
{
	size_t nc = b->nc, n = 0, j = 0;
	int32_t *cust = xmalloc((g->n ? g->n : 1) * sizeof(*cust));
	int32_t first = INT32_MAX, last = INT32_MIN;
	long double margin = 0, total = 0;

	s->order_start = xcalloc(nc + 1, sizeof(*s->order_start));
	for (size_t i = 0; i < g->n; i++) {
		int64_t id = g->cid[i];

		while (j < nc && b->cid[j] < id)
			j++;
		if (j == nc || b->cid[j] != id) {
			s->orders_skipped++;
			continue;
		}
		if (n != i) {
			g->day[n] = g->day[i];
			g->total[n] = g->total[i];
			g->margin[n] = g->margin[i];
			g->items[n] = g->items[i];
			g->unknown[n] = g->unknown[i];
		}
		cust[n] = (int32_t)j;
		s->order_start[j + 1]++;
		if (!g->unknown[n]) {
			margin += g->margin[n];
			total += g->total[n];
		}
		first = g->day[n] < first ? g->day[n] : first;
		last = g->day[n] > last ? g->day[n] : last;
		n++;
	}
	prefix_sum(s->order_start, nc);
	s->margin_ratio = opt->margin_ratio >= 0 ? opt->margin_ratio
			  : total > 0		 ? (double)(margin / total)
						 : 1.0;
	for (size_t i = 0; i < n; i++) {
		if (g->unknown[i]) {
			g->margin[i] = llround((double)g->total[i] * s->margin_ratio);
			s->orders_cost_unknown++;
		}
	}
	s->n_orders = (int64_t)n;
	if (n) {
		s->first_order_day = first;
		s->last_order_day = last;
	}
	s->order_cust = cust;
	s->order_day = g->day;
	s->order_total = g->total;
	s->order_margin = g->margin;
	s->order_items = g->items;
	g->day = g->items = NULL;
	g->total = g->margin = NULL;
	cols_free(g);
}

/* The snapshot from `b`: its orders from `g` when they came grouped and
 * in time order (adopt_grouped), else from those staged in `b`; frees `b`
 * (and `g`). */
static void finish(snapshot_builder *b, order_cols *g, const snapshot_options *opt,
		   snapshot *out)
{
	if (!b->frozen)
		freeze(b);
	memset(out, 0, sizeof(*out));
	out->n_customers = (int32_t)b->nc;
	out->returns_skipped = b->returns_skipped;
	if (g)
		adopt_grouped(b, g, opt, out);
	else
		group_orders(b, opt, out);
	group_returns(b, out);
	parallel_for(opt->threads, b->nc, 4096, sort_returns_chunk, out);
	/* The customer columns move over last: lookups above still use them. */
	out->customer_id = b->cid ? b->cid : xmalloc(sizeof(int64_t));
	out->created_day = b->cday ? b->cday : xmalloc(sizeof(int32_t));
	b->cid = NULL;
	b->cday = NULL;
	snapshot_builder_free(b);
}

void snapshot_builder_finish(snapshot_builder *b, const snapshot_options *opt, snapshot *out)
{
	snapshot_options def;

	if (!opt) {
		snapshot_options_default(&def);
		opt = &def;
	}
	finish(b, NULL, opt, out);
}

/* What was read becomes the snapshot; frees `b` and `g`. */
static void finish_loaded(snapshot_builder *b, order_cols *g, const snapshot_options *opt,
			  snapshot *out)
{
	if (!b->frozen)
		freeze(b);
	if (!g->sorted) {
		/* A store that did not keep the asked order: group in memory. */
		b->o = xgrow(b->o, &b->cap_o, g->n + 1, sizeof(*b->o));
		for (size_t i = 0; i < g->n; i++)
			b->o[i] = (staged_order){ .cid = g->cid[i],
						  .total = g->total[i],
						  .margin = g->margin[i],
						  .day = g->day[i],
						  .items = g->items[i],
						  .cost_unknown = g->unknown[i] };
		b->no = g->n;
		cols_free(g);
		g = NULL;
	}
	finish(b, g, opt, out);
}

/* Everything on one handle, inside one read transaction. */
static status load_serial(store *st, snapshot_builder *b, order_cols *g, err *e)
{
	int64_t clo, chi, olo, ohi;
	status rc;

	if ((rc = store_begin_read(st, e)))
		return rc;
	if (!(rc = query_pair(st, sql_customer_ids, &clo, &chi, e)) &&
	    !(rc = query_pair(st, sql_order_ids, &olo, &ohi, e))) {
		cols_reserve(g, ohi - olo + 1);
		if (!(rc = read_customers(st, b, clo, chi, e)) &&
		    !(rc = read_orders(st, INT64_MIN, INT64_MAX, g, e)))
			rc = read_returns(st, b, e);
	}
	return store_end(st, rc, e);
}

/* Two handles read at once: the caller's reads customers, returns and the
 * orders of the upper customer ids; a second handle on the same URI reads
 * the orders of the lower ones. Both see the same database state
 * (store_begin_read_pair); when the store cannot promise that now, the load
 * falls back to one handle. */
typedef struct {
	store *st;
	int64_t lo, hi;
	order_cols *g;
	err e;
	status rc;
} lower_half;

static void *read_lower(void *arg)
{
	lower_half *h = arg;

	err_clear(&h->e);
	h->rc = read_orders(h->st, h->lo, h->hi, h->g, &h->e);
	return NULL;
}

/* The last customer id whose orders the second handle reads, so that both
 * handles have about the same work: orders taken as spread evenly over the
 * customer ids, a customer row weighing 0.3 of an order row and a return
 * (with its join) 1.2 (each thread's CPU measured with perf on ecrm demo's
 * 1M-customer shop: 0.7 us an order row; customers and returns together
 * 0.38 s). */
static int64_t split_customers(int64_t clo, int64_t chi, int64_t orders, int64_t customers,
			       int64_t returns)
{
	double o = orders > 0 ? (double)orders : 1;
	double lower = (o + 0.3 * (double)customers + 1.2 * (double)returns) / 2;
	double span = (double)chi - (double)clo + 1;

	if (lower >= o)
		return chi;
	return clo + (int64_t)(span * lower / o) - 1;
}

static status load_parallel(store *st, const char *uri, snapshot_builder *b, order_cols *g,
			    bool *fell_back, err *e)
{
	store *second = NULL;
	bool txn = false, started = false;
	int64_t clo = 0, chi = 0, olo = 0, ohi = 0, rlo = 0, rhi = 0;
	lower_half h = { 0 };
	order_cols upper = { 0 };
	pthread_t tid;
	status rc;

	*fell_back = false;
	if ((rc = store_open(uri, 0, &second, e)))
		goto out;
	if ((rc = store_begin_read_pair(st, second, e))) {
		if (rc == E_BUSY) {
			*fell_back = true;
			err_clear(e);
			rc = E_OK;
		}
		goto out;
	}
	txn = true;
	if ((rc = query_pair(st, sql_customer_ids, &clo, &chi, e)) ||
	    (rc = query_pair(st, sql_order_ids, &olo, &ohi, e)) ||
	    (rc = query_pair(st, sql_return_ids, &rlo, &rhi, e)))
		goto out;

	h.st = second;
	h.lo = INT64_MIN;
	h.hi = split_customers(clo, chi, ohi - olo + 1, chi - clo + 1, rhi - rlo + 1);
	h.g = g;
	/* the lower part's columns receive the upper part's rows at the end */
	cols_reserve(g, ohi - olo + 1);
	if (chi > clo)
		cols_reserve(&upper, (int64_t)((double)(ohi - olo + 1) * (double)(chi - h.hi) /
					       (double)(chi - clo + 1)));
	if (pthread_create(&tid, NULL, read_lower, &h) == 0) {
		started = true;
	} else {
		read_lower(&h); /* no thread: the same reads, one after the other */
	}
	rc = read_customers(st, b, clo, chi, e);
	if (!rc)
		rc = read_orders(st, h.hi + 1, INT64_MAX, &upper, e);
	if (!rc)
		rc = read_returns(st, b, e);
	if (started)
		pthread_join(tid, NULL);
	if (!rc && h.rc) {
		*e = h.e;
		rc = h.rc;
	}
	if (rc)
		goto out;
	txn = false;
	if ((rc = store_commit(st, e))) {
		store_rollback(second);
		goto out;
	}
	if ((rc = store_commit(second, e)))
		goto out;
	cols_append(g, &upper);
out:
	if (txn) {
		store_rollback(st);
		store_rollback(second);
	}
	store_close(second);
	cols_free(&upper);
	return rc;
}

status snapshot_load(store *st, const snapshot_options *opt, snapshot *out, err *e)
{
	snapshot_builder *b = snapshot_builder_new();
	order_cols g = { 0 };
	snapshot_options def;
	bool fell_back = true;
	status rc = E_OK;

	if (!opt) {
		snapshot_options_default(&def);
		opt = &def;
	}
	memset(out, 0, sizeof(*out));
	if (opt->uri && opt->threads > 1 && !store_in_transaction(st))
		rc = load_parallel(st, opt->uri, b, &g, &fell_back, e);
	if (!rc && fell_back) {
		/* the parallel attempt may have read nothing yet: start over */
		cols_free(&g);
		snapshot_builder_free(b);
		b = snapshot_builder_new();
		rc = load_serial(st, b, &g, e);
	}
	if (!rc) {
		finish_loaded(b, &g, opt, out);
		out->read_handles = fell_back ? 1 : 2;
		b = NULL;
	}
	snapshot_builder_free(b);
	cols_free(&g);
	if (rc)
		err_prefix(e, "loading the analytics snapshot");
	return rc;
}
