/* test_order_query.c: order_page_lines gives every page of order_list the
 * same lines as order_lines_load (one query per order), for pages of one
 * customer and of everyone, with time filters, equal order times and
 * guest orders; order pages themselves walk every order once; and
 * order_latest_of_customer (one statement) gives a customer's first page
 * with the same orders, lines and "more" as order_list and
 * order_lines_load; the 360 view (customer_view_load, its statements sent
 * together) holds what its parts read one by one. */
#include "testutil.h"
#include "core/arena.h"
#include "domain/customer_view.h"
#include "domain/order_query.h"

static store *st;
static err e;

/* Runs `sql` with int64 parameters; NULL for a parameter < 0. */
static void run(const char *sql, int n, const int64_t *p)
{
	stmt *s;

	assert_int_equal(store_prepare(st, sql, &s, &e), E_OK);
	for (int i = 0; i < n; i++) {
		if (p[i] < 0)
			stmt_bind_null(s, i + 1);
		else
			stmt_bind_int64(s, i + 1, p[i]);
	}
	if (stmt_exec(s, &e))
		fail_msg("%s: %s", sql, e.msg);
	stmt_done(s);
}

static int setup(void **state)
{
	(void)state;
	st = test_open_store("order_query.db");
	srand(11);
	assert_int_equal(store_begin(st, &e), E_OK);
	for (int64_t c = 1; c <= 3; c++)
		run("INSERT INTO customers (id, name, created_at, updated_at) VALUES ($1, 'C', 0, "
		    "0)",
		    1, &c);
	for (int64_t p = 1; p <= 5; p++)
		run("INSERT INTO products (id, sku, name, price, created_at, updated_at) "
		    "VALUES ($1, 'SKU-' || $1, 'P' || $1, 100, 0, 0)",
		    1, &p);
	for (int64_t o = 1; o <= 120; o++) {
		/* Few distinct times, so many orders share one; some guests. */
		int64_t v[4] = { o, rand() % 5 == 0 ? -1 : 1 + rand() % 3, 1000 + rand() % 15, 0 };
		int lines = rand() % 4; /* some orders have no lines */
		run("INSERT INTO orders (id, external_id, customer_id, placed_at, currency, total, "
		    "created_at, updated_at) VALUES ($1, 'o' || $1, $2, $3, 'EUR', 10, 0, 0)",
		    3, v);
		for (int l = 1; l <= lines; l++) {
			int64_t li[4] = { o, l, rand() % 6 == 0 ? -1 : 1 + rand() % 5,
					  1 + rand() % 3 };
			run("INSERT INTO order_items (order_id, line_no, product_id, qty, "
			    "unit_price) "
			    "VALUES ($1, $2, $3, $4, 100)",
			    4, li);
		}
	}
	/* Customer 1 has three returns and two interactions, customer 2 one
	 * interaction, customer 3 neither. */
	for (int64_t r = 1; r <= 3; r++)
		run("INSERT INTO returns (external_id, customer_id, qty, amount, currency, "
		    "returned_at) VALUES ('r' || $1, 1, 1, 100 * $1, 'EUR', 2000 + $1)",
		    1, &r);
	for (int64_t i = 1; i <= 3; i++) {
		int64_t v[2] = { i, i == 3 ? 2 : 1 };
		run("INSERT INTO interactions (external_id, customer_id, channel, occurred_at, "
		    "body) VALUES ('i' || $1, $2, 'chat', 3000 + $1, 'hello')",
		    2, v);
	}
	assert_int_equal(store_commit(st, &e), E_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static void same_line(const order_line *a, const order_line *b)
{
	assert_int_equal(a->order_id, b->order_id);
	assert_int_equal(a->item.line_no, b->item.line_no);
	assert_int_equal(a->item.product_id, b->item.product_id);
	assert_int_equal(a->item.qty, b->item.qty);
	assert_int_equal(a->item.unit_price, b->item.unit_price);
	if (a->sku || b->sku)
		assert_string_equal(a->sku, b->sku);
	if (a->product_name || b->product_name)
		assert_string_equal(a->product_name, b->product_name);
}

/* Walks every page of `q` checking each page's lines both ways; returns
 * the orders seen. */
static size_t walk(order_query q)
{
	size_t seen = 0;
	bool more = true;
	arena a;

	arena_init(&a, 0);
	while (more) {
		order *rows, *copy;
		order_line *l1, *l2;
		size_t n, n1, n2;
		assert_int_equal(order_list(st, &q, &a, &rows, &n, &more, &e), E_OK);
		copy = arena_alloc(&a, (n + 1) * sizeof(*copy));
		memcpy(copy, rows, n * sizeof(*copy));
		assert_int_equal(order_lines_load(st, rows, n, &a, &l1, &n1, &e), E_OK);
		assert_int_equal(order_page_lines(st, &q, copy, n, &a, &l2, &n2, &e), E_OK);
		assert_int_equal(n1, n2);
		for (size_t i = 0; i < n; i++) {
			/* Lines attached to the same orders, in line order. */
			assert_int_equal(rows[i].n_items, copy[i].n_items);
			for (size_t k = 0; k < rows[i].n_items; k++) {
				assert_int_equal(rows[i].items[k].line_no,
						 copy[i].items[k].line_no);
				assert_int_equal(rows[i].items[k].product_id,
						 copy[i].items[k].product_id);
			}
			/* Every line of the order, whichever array it sits in. */
			for (size_t x = 0; x < n1; x++) {
				size_t y;
				if (l1[x].order_id != rows[i].id)
					continue;
				for (y = 0; y < n2; y++)
					if (l2[y].order_id == l1[x].order_id &&
					    l2[y].item.line_no == l1[x].item.line_no)
						break;
				assert_true(y < n2);
				same_line(&l1[x], &l2[y]);
			}
		}
		seen += n;
		if (n) {
			q.after_id = rows[n - 1].id;
			q.after_placed_at = rows[n - 1].placed_at;
		}
		arena_clear(&a);
	}
	arena_release(&a);
	return seen;
}

static void page_lines_match_per_order_lines(void **state)
{
	int64_t want;
	(void)state;
	for (int limit = 1; limit <= 13; limit += 4) {
		order_query q = { .limit = limit };
		assert_int_equal(walk(q), 120);
		for (int64_t c = 1; c <= 3; c++) {
			q.customer_id = c;
			assert_int_equal(store_query_int64(st,
							   "SELECT COUNT(*) FROM orders WHERE "
							   "customer_id = $1",
							   &want, &e, 1, c),
					 E_OK);
			assert_int_equal(walk(q), (size_t)want);
		}
		q.customer_id = 2;
		q.has_from = q.has_to = true;
		q.from = 1003;
		q.to = 1009;
		assert_int_equal(
			store_query_int64(st,
					  "SELECT COUNT(*) FROM orders WHERE customer_id = 2 "
					  "AND placed_at BETWEEN 1003 AND 1009",
					  &want, &e, 0),
			E_OK);
		assert_int_equal(walk(q), (size_t)want);
	}
}

static void latest_of_customer_matches_first_page(void **state)
{
	arena a;
	(void)state;
	arena_init(&a, 0);
	for (int64_t c = 1; c <= 4; c++) {
		for (int limit = 1; limit <= 60; limit += limit < 8 ? 1 : 13) {
			order_query q = { .customer_id = c, .limit = limit };
			order *want, *got;
			order_line *wl, *gl;
			size_t nw, ng, nwl, ngl, k = 0;
			bool want_more, got_more;

			assert_int_equal(order_list(st, &q, &a, &want, &nw, &want_more, &e), E_OK);
			assert_int_equal(order_lines_load(st, want, nw, &a, &wl, &nwl, &e), E_OK);
			assert_int_equal(order_latest_of_customer(st, c, limit, &a, &got, &ng,
								  &got_more, &gl, &ngl, &e),
					 E_OK);
			assert_int_equal(ng, nw);
			assert_int_equal(got_more, want_more);
			assert_int_equal(ngl, nwl);
			for (size_t i = 0; i < nw; i++) {
				assert_int_equal(got[i].id, want[i].id);
				assert_int_equal(got[i].placed_at, want[i].placed_at);
				assert_int_equal(got[i].customer_id, c);
				assert_int_equal(got[i].n_items, want[i].n_items);
				for (size_t j = 0; j < got[i].n_items; j++)
					assert_int_equal(got[i].items[j].product_id,
							 want[i].items[j].product_id);
			}
			/* Both line arrays run in page order, each order's lines in
			 * line order. */
			for (k = 0; k < nwl; k++)
				same_line(&gl[k], &wl[k]);
			arena_clear(&a);
		}
	}
	arena_release(&a);
}

/* customer_view_load gives what its parts give read one at a time. */
static void view_matches_its_parts(void **state)
{
	static const customer_view_limits lim = { 4, 2, 5 };
	arena a;
	(void)state;
	arena_init(&a, 0);
	for (int64_t c = 1; c <= 3; c++) {
		customer_view v;
		customer_head head;
		order *orders;
		order_line *lines;
		return_record *rets;
		interaction *inter;
		size_t norders, nlines, nrets, ninter;
		bool more_orders, more_rets, more_inter;

		assert_int_equal(store_begin_read(st, &e), E_OK);
		assert_int_equal(customer_view_load(st, c, &lim, &a, &v, &e), E_OK);
		assert_int_equal(customer_head_load(st, c, &a, &head, &e), E_OK);
		assert_int_equal(order_latest_of_customer(st, c, lim.orders, &a, &orders, &norders,
							  &more_orders, &lines, &nlines, &e),
				 E_OK);
		assert_int_equal(returns_of_customer(st, c, lim.returns, &a, &rets, &nrets,
						     &more_rets, &e),
				 E_OK);
		assert_int_equal(interaction_list(st, c, 0, 0, lim.interactions, &a, &inter,
						  &ninter, &more_inter, &e),
				 E_OK);
		assert_int_equal(store_commit(st, &e), E_OK);

		assert_int_equal(v.head.c.id, c);
		assert_int_equal(v.head.totals.orders, head.totals.orders);
		assert_int_equal(v.head.totals.returns, head.totals.returns);
		assert_int_equal(v.head.totals.interactions, head.totals.interactions);
		assert_int_equal(v.norders, norders);
		assert_int_equal(v.more_orders, more_orders);
		assert_int_equal(v.nlines, nlines);
		for (size_t i = 0; i < norders; i++) {
			assert_int_equal(v.orders[i].id, orders[i].id);
			assert_int_equal(v.orders[i].n_items, orders[i].n_items);
		}
		for (size_t i = 0; i < nlines; i++)
			same_line(&v.lines[i], &lines[i]);
		assert_int_equal(v.nreturns, nrets);
		assert_int_equal(v.more_returns, more_rets);
		for (size_t i = 0; i < nrets; i++)
			assert_int_equal(v.returns[i].id, rets[i].id);
		assert_int_equal(v.ninteractions, ninter);
		assert_int_equal(v.more_interactions, more_inter);
		for (size_t i = 0; i < ninter; i++)
			assert_int_equal(v.interactions[i].id, inter[i].id);
		arena_clear(&a);
	}
	/* What the data above holds, so that the comparison means something. */
	{
		customer_view v;
		assert_int_equal(customer_view_load(st, 1, &lim, &a, &v, &e), E_OK);
		assert_int_equal(v.head.totals.returns, 3);
		assert_int_equal(v.nreturns, 2);
		assert_true(v.more_returns);
		assert_int_equal(v.returns[0].returned_at, 2003);
		assert_int_equal(v.ninteractions, 2);
		assert_false(v.more_interactions);
		assert_int_equal(v.norders, 4);
		assert_true(v.more_orders);
		assert_int_equal(customer_view_load(st, 99, &lim, &a, &v, &e), E_NOTFOUND);
		/* The handle goes on after the miss. */
		assert_int_equal(customer_view_load(st, 2, &lim, &a, &v, &e), E_OK);
		assert_int_equal(v.ninteractions, 1);
		assert_int_equal(v.nreturns, 0);
	}
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_lines_match_per_order_lines),
		cmocka_unit_test(latest_of_customer_matches_first_page),
		cmocka_unit_test(view_matches_its_parts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
