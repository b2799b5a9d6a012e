/* stored.c: set-based reads of what the store holds for a chunk of deferred
 * import saves (see stored.h). */
#include "ingest/stored.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <time.h>

/* The statements, built once: the store caches statements by the address
 * of their SQL. Each ends in "IN ($1, ..., $STORED_KEYS)" (domain_in_sql). */
static char order_head_sql[2560], order_lines_sql[2560], return_sql[2560];
static char product_sql[2560], customer_sql[2560];
/* The lines of orders whose ids lie in [$1, $2]. */
static const char *const order_range_sql =
	"SELECT order_id, line_no, product_id, qty, unit_price, unit_cost FROM order_items "
	"WHERE order_id >= $1 AND order_id <= $2";
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void build_sql(void)
{
	domain_in_sql(order_head_sql, sizeof(order_head_sql),
		      "SELECT external_id, id, " ORDER_MATCH_COLUMNS " FROM orders WHERE external_id");
	domain_in_sql(order_lines_sql, sizeof(order_lines_sql),
		      "SELECT order_id, line_no, product_id, qty, unit_price, unit_cost "
		      "FROM order_items WHERE order_id");
	domain_in_sql(return_sql, sizeof(return_sql),
		      "SELECT external_id, id, " RETURN_MATCH_COLUMNS " FROM returns WHERE external_id");
	domain_in_sql(product_sql, sizeof(product_sql),
		      "SELECT sku, id, " PRODUCT_MATCH_COLUMNS " FROM products WHERE sku");
	/* customer_from_row's columns: the first is the external id. */
	domain_in_sql(customer_sql, sizeof(customer_sql),
		      "SELECT " CUSTOMER_ROW_COLUMNS " FROM customers WHERE external_id");
}

/* Runs `sql` with keys[0..k-1] (text) or nums[0..k-1] in its IN list
 * (unused places NULL: IN never matches them) and hands each row to `row`. */
static status each_row(store *st, const char *sql, const char *const *keys,
		       const int64_t *nums, size_t k, void (*row)(void *user, stmt *s),
		       void *user, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	for (size_t i = 0; i < STORED_KEYS; i++) {
		if (i >= k)
			stmt_bind_null(s, (int)i + 1);
		else if (nums)
			stmt_bind_int64(s, (int)i + 1, nums[i]);
		else
			stmt_bind_text(s, (int)i + 1, keys[i]);
	}
	while (stmt_row(s, e))
		row(user, s);
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* --- orders --- */

typedef struct {
	const order *const *o;
	int64_t *ids;
	bool *same;
	strmap by_key;	  /* external id -> index */
	/* The orders whose lines are read now: ids ascending, with indexes. */
	struct order_ref {
		int64_t id;
		size_t i;
	} *reading;
	size_t n_reading;
	size_t *lines;	  /* stored lines met per index */
} order_chunk;

/* An order with a guest email never counts as the same here: the stored
 * one is sealed, order_save compares it. */
static bool order_header_same(stmt *s, const order *o)
{
	return order_header_matches(s, 2, o) && stmt_null(s, 14) &&
	       !(o->guest_email && *o->guest_email);
}

static void order_head_row(void *user, stmt *s)
{
	order_chunk *c = user;
	const char *key = stmt_text(s, 0);
	int64_t i;

	if (!key || !strmap_get(&c->by_key, key, strlen(key), &i))
		return;
	c->ids[i] = stmt_int64(s, 1);
	c->same[i] = order_header_same(s, c->o[i]);
}

/* The expected number of line k of `o`. */
static int64_t line_no(const order *o, size_t k)
{
	return o->items[k].line_no ? o->items[k].line_no : (int64_t)k + 1;
}

/* Stored lines come in any order (no ORDER BY: the sort cost more than
 * the lookup). order_save compares the stored lines by line number with
 * o's lines in turn; with o's numbers ascending (checked before) that is:
 * each stored line is the line of o with its number, and as many. */
static void order_line_row(void *user, stmt *s)
{
	order_chunk *c = user;
	int64_t id = stmt_int64(s, 0), want;
	size_t lo = 0, hi = c->n_reading, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->reading[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->n_reading || c->reading[lo].id != id)
		return; /* another order in a range */
	i = c->reading[lo].i;
	c->lines[i]++;
	if (!c->same[i])
		return;
	const order *o = c->o[i];
	want = stmt_int64(s, 1);
	lo = 0;
	hi = o->n_items;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (line_no(o, mid) < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == o->n_items || line_no(o, lo) != want) {
		c->same[i] = false;
		return;
	}
	c->same[i] = order_item_matches(s, 2, &o->items[lo]);
}

static bool lines_ascending(const order *o)
{
	for (size_t k = 1; k < o->n_items; k++) {
		if (line_no(o, k) <= line_no(o, k - 1))
			return false;
	}
	return true;
}

static int cmp_ref(const void *a, const void *b)
{
	int64_t x = ((const struct order_ref *)a)->id, y = ((const struct order_ref *)b)->id;
	return (x > y) - (x < y);
}

/* Reads the lines of the orders in c->reading. Orders saved
 * together have ids close together: a few ranges of ids read by the
 * primary key cost the server much less than an IN list of k ids (read
 * there as k index searches, then sorted). Lines of other orders in a
 * range are skipped (order_line_row). Scattered ids go by the IN list. */
static status read_lines(store *st, order_chunk *c, err *e)
{
	enum { MAX_RANGES = 4 };
	int64_t lo[MAX_RANGES], hi[MAX_RANGES], nums[STORED_KEYS];
	size_t n = 0, k = c->n_reading;
	status rc = E_OK;

	qsort(c->reading, k, sizeof(*c->reading), cmp_ref);
	for (size_t i = 0; i < k; i++)
		nums[i] = c->reading[i].id;
	for (size_t a = 0, b; a < k && n <= MAX_RANGES; a = b, n++) {
		/* A range goes on while it spans at most twice its orders. */
		for (b = a + 1; b < k && nums[b] - nums[a] < 2 * (int64_t)(b - a + 1) + 16; b++)
			;
		if (n < MAX_RANGES) {
			lo[n] = nums[a];
			hi[n] = nums[b - 1];
		}
	}
	if (n > MAX_RANGES)
		return each_row(st, order_lines_sql, NULL, nums, k, order_line_row, c, e);
	for (size_t r = 0; r < n && !rc; r++) {
		stmt *s;
		if ((rc = store_prepare(st, order_range_sql, &s, e)))
			break;
		stmt_bind_int64(s, 1, lo[r]);
		stmt_bind_int64(s, 2, hi[r]);
		while (stmt_row(s, e))
			order_line_row(c, s);
		rc = e->code;
		stmt_done(s);
	}
	return rc;
}

status stored_orders(store *st, const order *const *o, size_t n, int64_t *ids, bool *same,
		     err *e)
{
	order_chunk c = { .o = o, .ids = ids, .same = same };
	const char *keys[STORED_KEYS];
	struct order_ref reading[STORED_KEYS];
	status rc = E_OK;

	pthread_once(&sql_once, build_sql);
	strmap_init(&c.by_key, 0);
	c.reading = reading;
	c.lines = xcalloc(n ? n : 1, sizeof(*c.lines));
	for (size_t i = 0; i < n; i++) {
		ids[i] = 0;
		same[i] = false;
		strmap_put(&c.by_key, o[i]->external_id, strlen(o[i]->external_id), (int64_t)i);
	}
	for (size_t from = 0; from < n && !rc; from += STORED_KEYS) {
		size_t k = n - from < STORED_KEYS ? n - from : STORED_KEYS;
		for (size_t i = 0; i < k; i++)
			keys[i] = o[from + i]->external_id;
		if ((rc = each_row(st, order_head_sql, keys, NULL, k, order_head_row, &c, e)))
			break;
		/* The lines of those found with the same header. */
		c.n_reading = 0;
		for (size_t i = from; i < from + k; i++) {
			if (same[i] && !lines_ascending(o[i]))
				same[i] = false;
			if (!same[i])
				continue;
			reading[c.n_reading++] = (struct order_ref){ ids[i], i };
		}
		if (c.n_reading && (rc = read_lines(st, &c, e)))
			break;
		for (size_t i = from; i < from + k; i++)
			same[i] = same[i] && c.lines[i] == o[i]->n_items;
	}
	strmap_release(&c.by_key);
	free(c.lines);
	return rc;
}

/* --- records found by a key: returns, products, customers --- */

typedef struct {
	strmap by_key; /* key -> index */
	void (*found)(void *user, size_t i, stmt *s);
	void *user;
} keyed;

static void keyed_row(void *user, stmt *s)
{
	keyed *k = user;
	const char *key = stmt_text(s, 0);
	int64_t i;

	if (key && strmap_get(&k->by_key, key, strlen(key), &i))
		k->found(k->user, (size_t)i, s);
}

/* Runs `sql` (first column: the key) for keys[0..n-1], STORED_KEYS at a
 * time, and calls found(user, i, row) for the stored record of keys[i]. */
static status each_by_key(store *st, const char *sql, const char *const *keys, size_t n,
			  void (*found)(void *user, size_t i, stmt *s), void *user, err *e)
{
	keyed k = { .found = found, .user = user };
	status rc = E_OK;

	pthread_once(&sql_once, build_sql);
	strmap_init(&k.by_key, 0);
	for (size_t i = 0; i < n; i++)
		strmap_put(&k.by_key, keys[i], strlen(keys[i]), (int64_t)i);
	for (size_t from = 0; from < n && !rc; from += STORED_KEYS) {
		size_t m = n - from < STORED_KEYS ? n - from : STORED_KEYS;
		rc = each_row(st, sql, keys + from, NULL, m, keyed_row, &k, e);
	}
	strmap_release(&k.by_key);
	return rc;
}

typedef struct {
	const void *const *rec;
	int64_t *ids;
	bool *same;
} record_chunk;

static void return_found(void *user, size_t i, stmt *s)
{
	record_chunk *c = user;

	c->ids[i] = stmt_int64(s, 1);
	c->same[i] = return_matches(s, 2, c->rec[i]);
}

status stored_returns(store *st, const return_record *const *r, size_t n, int64_t *ids,
		      bool *same, err *e)
{
	record_chunk c = { .rec = (const void *const *)r, .ids = ids, .same = same };
	const char **keys = xmalloc((n + 1) * sizeof(*keys));
	status rc;

	for (size_t i = 0; i < n; i++) {
		ids[i] = 0;
		same[i] = false;
		keys[i] = r[i]->external_id;
	}
	rc = each_by_key(st, return_sql, keys, n, return_found, &c, e);
	free(keys);
	return rc;
}

static void product_found(void *user, size_t i, stmt *s)
{
	record_chunk *c = user;

	c->ids[i] = stmt_int64(s, 1);
	c->same[i] = !product_changes(s, 2, c->rec[i]);
}

status stored_products(store *st, const product *const *p, size_t n, int64_t *ids, bool *same,
		       err *e)
{
	record_chunk c = { .rec = (const void *const *)p, .ids = ids, .same = same };
	const char **keys = xmalloc((n + 1) * sizeof(*keys));
	status rc;

	for (size_t i = 0; i < n; i++) {
		ids[i] = 0;
		same[i] = false;
		keys[i] = p[i]->sku;
	}
	rc = each_by_key(st, product_sql, keys, n, product_found, &c, e);
	free(keys);
	return rc;
}

typedef struct {
	store *st;
	arena *a;
	customer *out;
	bool *found;
	status rc; /* the first failure to open a sealed field */
	err *e;
} customer_chunk;

static void customer_found(void *user, size_t i, stmt *s)
{
	customer_chunk *c = user;

	if (c->rc)
		return;
	c->rc = customer_from_row(c->st, s, 0, c->a, &c->out[i], c->e);
	c->found[i] = true;
}

status stored_customers(store *st, const char *const *keys, size_t n, arena *a, customer *out,
			bool *found, err *e)
{
	customer_chunk c = { .st = st, .a = a, .out = out, .found = found, .e = e };
	status rc;

	for (size_t i = 0; i < n; i++)
		found[i] = false;
	rc = each_by_key(st, customer_sql, keys, n, customer_found, &c, e);
	return rc ? rc : c.rc;
}
