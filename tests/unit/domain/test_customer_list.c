/* test_customer_list.c: customer pages in every sort (id, name, creation,
 * revenue, orders, last order, CLV, churn risk; both directions) walked
 * page by page with and without filters (score segment, tier and stage
 * combined with country, tag, search): each walk must give every matching
 * live customer exactly once, in the order worked out here from the data
 * the test wrote (keys tied on purpose; ties go by id). Also: a customer
 * without orders has a totals row (migration 011) and sorts as zero. */
#include "testutil.h"
#include "core/arena.h"
#include "domain/customer_query.h"

#include <math.h>

#define N	  64 /* live customers 1..N; N + 1 is merged into 1 */
#define BASE_TIME 1700000000
#define DAY	  86400

static store *st;
static err e;

/* What the test wrote, to work the expected orders out from. */
typedef struct {
	int64_t id;
	char name[16];
	char country[4];
	bool vip;
	int64_t created, revenue, orders, last_order;
	const char *segment, *tier, *stage; /* NULL: not scored */
	double clv, churn;		    /* NAN: not computed */
} cust_t;
static cust_t cust[N];

static const char *const segments[] = { "champions", "loyal", "at_risk", "lost" };
static const char *const tiers[] = { "key", "normal", "small" };
static const char *const stages[] = { "new", "growing", "mature", "declining", "churned" };

static void run(const char *sql)
{
	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

static int setup(void **state)
{
	char sql[512];
	int order_no = 0;
	(void)state;
	st = test_open_store("list.db");
	for (int i = 0; i < N; i++) {
		int64_t id = i + 1;
		cust[i].id = id;
		snprintf(cust[i].name, sizeof(cust[i].name), "Cust %c", 'A' + (i * 7) % 5);
		snprintf(cust[i].country, sizeof(cust[i].country), "%s", i % 3 ? "CN" : "GB");
		cust[i].vip = i % 4 == 0;
		cust[i].created = BASE_TIME + (i % 6) * DAY; /* ties */
		snprintf(sql, sizeof(sql),
			 "INSERT INTO customers (id, name, country, tags, created_at, updated_at)"
			 " VALUES (%" PRId64 ", '%s', '%s', '%s', %" PRId64 ", 0)",
			 id, cust[i].name, cust[i].country, cust[i].vip ? "[\"vip\"]" : "[]",
			 cust[i].created);
		run(sql);
		/* 0-4 orders of 10.00-40.00, the last one 0-6 days after the base
		 * time: many ties in count, revenue and last order. */
		for (int k = 0; k < i % 5; k++) {
			int64_t total = 1000 * (((i * 3) % 4) + 1);
			int64_t at = BASE_TIME + (k == i % 5 - 1 ? (i % 7) * DAY : -DAY * (k + 1));
			snprintf(
				sql, sizeof(sql),
				"INSERT INTO orders (external_id, customer_id, placed_at, currency,"
				" total, created_at, updated_at) VALUES ('o%d', %" PRId64
				", %" PRId64 ", 'GBP', %" PRId64 ", 0, 0)",
				++order_no, id, at, total);
			run(sql);
			cust[i].orders++;
			cust[i].revenue += total;
			if (at > cust[i].last_order)
				cust[i].last_order = at;
		}
		if (cust[i].orders && i % 6 == 0) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO returns (external_id, customer_id, amount, currency,"
				 " returned_at) VALUES ('r%d', %" PRId64 ", 500, 'GBP', %d)",
				 i, id, BASE_TIME);
			run(sql);
			cust[i].revenue -= 500;
		}
		cust[i].clv = cust[i].churn = NAN;
		if (i % 3 != 2) {
			cust[i].segment = segments[i % 4];
			cust[i].tier = tiers[i % 3];
			cust[i].stage = stages[i % 5];
			if (i % 4)
				cust[i].clv = (double)((i * 37) % 10) * 10.5;
			cust[i].churn = (double)(i % 5) / 10.0;
			char clv[32] = "NULL";
			if (!isnan(cust[i].clv))
				snprintf(clv, sizeof(clv), "%.17g", cust[i].clv);
			snprintf(sql, sizeof(sql),
				 "INSERT INTO customer_scores (customer_id, as_of, computed_at,"
				 " rfm_segment, value_tier, lifecycle_stage, clv, churn_risk)"
				 " VALUES (%" PRId64 ", 0, 0, '%s', '%s', '%s', %s, %.17g)",
				 id, cust[i].segment, cust[i].tier, cust[i].stage, clv,
				 cust[i].churn);
			run(sql);
		}
	}
	/* Merged away, with orders and champion scores: never listed. */
	run("INSERT INTO customers (id, name, country, tags, created_at, updated_at, merged_into)"
	    " VALUES (65, 'Cust A', 'GB', '[\"vip\"]', 1700000000, 0, 1)");
	run("INSERT INTO orders (external_id, customer_id, placed_at, currency, total, created_at,"
	    " updated_at) VALUES ('merged', 65, 1700000000, 'GBP', 99900, 0, 0)");
	run("INSERT INTO customer_scores (customer_id, as_of, computed_at, rfm_segment,"
	    " value_tier, lifecycle_stage, clv, churn_risk)"
	    " VALUES (65, 0, 0, 'champions', 'key', 'new', 1e9, 0.99)");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

/* ---- the expected order ---- */

static customer_sort cur_sort;
static bool cur_desc;

static double key_of(const void *p)
{
	const cust_t *c = p;
	switch (cur_sort) {
	case CUSTOMER_SORT_CREATED:
		return (double)c->created;
	case CUSTOMER_SORT_REVENUE:
		return (double)c->revenue;
	case CUSTOMER_SORT_ORDERS:
		return (double)c->orders;
	case CUSTOMER_SORT_LAST_ORDER:
		return (double)c->last_order;
	case CUSTOMER_SORT_CLV:
		return isnan(c->clv) ? -1 : c->clv;
	case CUSTOMER_SORT_CHURN:
		return isnan(c->churn) ? -1 : c->churn;
	default:
		return 0;
	}
}

static int by_key(const void *pa, const void *pb)
{
	const cust_t *a = pa, *b = pb;
	int c = 0;

	if (cur_sort == CUSTOMER_SORT_NAME) {
		c = strcmp(a->name, b->name);
	} else if (cur_sort != CUSTOMER_SORT_ID) {
		double x = key_of(a), y = key_of(b);
		c = (x > y) - (x < y);
	}
	if (!c)
		c = (a->id > b->id) - (a->id < b->id);
	return cur_desc ? -c : c;
}

typedef struct {
	const char *segment, *tier, *stage, *country, *tag, *q;
} filter;

static bool matches(const cust_t *c, const filter *f)
{
	return (!f->segment || (c->segment && !strcmp(c->segment, f->segment))) &&
	       (!f->tier || (c->tier && !strcmp(c->tier, f->tier))) &&
	       (!f->stage || (c->stage && !strcmp(c->stage, f->stage))) &&
	       (!f->country || !strcmp(c->country, f->country)) && (!f->tag || c->vip) &&
	       (!f->q || strstr(c->name, f->q));
}

/* Walks every page of `f` in sort `s` with pages of `limit`, the cursor
 * rebuilt from each page's last row as the API does, and compares with
 * the order worked out here. */
static void walk(customer_sort s, bool desc, const filter *f, int limit)
{
	cust_t want[N];
	size_t nwant = 0, got = 0;
	customer_query q = { .sort = s,
			     .desc = desc,
			     .limit = limit,
			     .segment = f->segment,
			     .tier = f->tier,
			     .stage = f->stage,
			     .country = f->country,
			     .tag = f->tag,
			     .q = f->q };
	int pages = 0;

	for (size_t i = 0; i < N; i++) {
		if (matches(&cust[i], f))
			want[nwant++] = cust[i];
	}
	cur_sort = s;
	cur_desc = desc;
	qsort(want, nwant, sizeof(want[0]), by_key);
	for (;;) {
		customer_row *rows;
		size_t n;
		bool more;
		arena a;

		arena_init(&a, 0);
		if (customer_list(st, &q, &a, &rows, &n, &more, &e))
			fail_msg("sort %d: %s", (int)s, e.msg);
		for (size_t i = 0; i < n; i++, got++) {
			if (got >= nwant || rows[i].id != want[got].id)
				fail_msg("sort %d%s, segment %s, country %s, limit %d: row %zu is "
					 "%" PRId64 ", want %" PRId64,
					 (int)s, desc ? " desc" : "", f->segment ? f->segment : "-",
					 f->country ? f->country : "-", limit, got, rows[i].id,
					 got < nwant ? want[got].id : -1);
		}
		pages++;
		if (!more) {
			arena_release(&a);
			break;
		}
		assert_int_equal(n, (size_t)limit);
		/* The cursor: the last row's id and key, as the API keeps them
		 * (the name is copied: the arena goes). */
		{
			static char name[64];
			const customer_row *last = &rows[n - 1];
			int64_t ki;
			double kd;
			customer_row_key(last, s, &ki, &kd);
			q.after_id = last->id;
			snprintf(name, sizeof(name), "%s", last->name);
			q.after_name = name;
			q.after_created = last->created_at;
			q.after_int = ki;
			q.after_real = kd;
		}
		arena_release(&a);
		assert_true(pages <= N + 1);
	}
	if (got != nwant)
		fail_msg("sort %d%s: %zu rows, want %zu", (int)s, desc ? " desc" : "", got, nwant);
}

static void every_sort_walks_everyone_once(void **state)
{
	static const filter filters[] = {
		{ 0 },
		{ .segment = "champions" },
		{ .segment = "loyal", .country = "CN" },
		{ .tier = "key", .tag = "vip" },
		{ .stage = "mature", .tier = "normal" },
		{ .segment = "at_risk", .q = "Cust B" }, /* a search (3+ characters) */
		{ .country = "GB", .tag = "vip" },
	};
	(void)state;
	for (int s = 0; s < CUSTOMER_SORT__COUNT; s++) {
		for (int d = 0; d < 2; d++) {
			for (size_t f = 0; f < ARRAY_SIZE(filters); f++)
				walk((customer_sort)s, d, &filters[f], 7);
			walk((customer_sort)s, d, &filters[0], 1);
			walk((customer_sort)s, d, &filters[0], 1000);
		}
	}
}

static void rows_carry_totals_and_scores(void **state)
{
	customer_query q = { .limit = 3 };
	customer_row *rows;
	size_t n;
	bool more;
	arena a;
	int64_t without_order;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(customer_list(st, &q, &a, &rows, &n, &more, &e), E_OK);
	assert_int_equal(n, 3);
	/* Customer 1 (i = 0): no order, champion, key, new, CLV not computed. */
	assert_int_equal(rows[0].orders, 0);
	assert_int_equal(rows[0].revenue, 0);
	assert_string_equal(rows[0].rfm_segment, "champions");
	assert_string_equal(rows[0].value_tier, "key");
	assert_string_equal(rows[0].lifecycle_stage, "new");
	assert_true(isnan(rows[0].clv));
	assert_true(rows[0].churn_risk == 0.0);
	/* Customer 2 (i = 1): one order of 40.00; clv 37 % 10 * 10.5. */
	assert_int_equal(rows[1].orders, 1);
	assert_int_equal(rows[1].revenue, 4000);
	assert_true(rows[1].clv == 73.5);
	/* Customer 3 (i = 2): not scored. */
	assert_null(rows[2].rfm_segment);
	assert_true(isnan(rows[2].churn_risk));
	arena_release(&a);
	/* Every customer has a totals row (011), orders or not. */
	assert_int_equal(store_query_int64(st,
					   "SELECT COUNT(*) FROM customers c WHERE NOT EXISTS"
					   " (SELECT 1 FROM customer_totals t"
					   " WHERE t.customer_id = c.id)",
					   &without_order, &e, 0),
			 E_OK);
	assert_int_equal(without_order, 0);
}

static void bad_sort_is_refused(void **state)
{
	customer_query q = { .sort = CUSTOMER_SORT__COUNT };
	customer_row *rows;
	size_t n;
	bool more;
	arena a;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(customer_list(st, &q, &a, &rows, &n, &more, &e), E_INVAL);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_sort_walks_everyone_once),
		cmocka_unit_test(rows_carry_totals_and_scores),
		cmocka_unit_test(bad_sort_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
