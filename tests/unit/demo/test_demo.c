/* test_demo.c: the demo shop generator: determinism for a seed, consistent
 * totals and returns, places and phones that agree with the country,
 * Chinese and English names, the buying behaviour (one-off and repeat
 * buyers, seasons, baskets, bought-together pairs), near-duplicates, and
 * the `ecrm demo` command end to end. */
#include "testutil.h"
#include "core/datetime.h"
#include "core/xalloc.h"
#include "demo/catalog.h"
#include "demo/demo.h"
#include "demo/tables.h"
#include "domain/customer.h"
#include "domain/stats.h"

#include <sys/wait.h>

/* A 300-customer shop (seed 7) and a 2000-customer one (seed 1), both
 * ending on 2025-06-30, made once for the whole group. */
static store *small, *big;
static demo_summary small_sum, big_sum;
static int64_t end_2025_06_30;

static store *open_db(const char *name)
{
	return test_open_store(name);
}

static void options(demo_options *o, int64_t customers, uint64_t seed)
{
	demo_options_default(o);
	o->customers = customers;
	o->seed = seed;
	o->end = end_2025_06_30;
}

static store *make_shop(const char *name, int64_t customers, uint64_t seed, demo_summary *sum)
{
	store *st = open_db(name);
	demo_options o;
	err e;

	options(&o, customers, seed);
	if (demo_generate(st, &o, sum, &e))
		fail_msg("demo_generate: %s", e.msg);
	return st;
}

static int setup(void **state)
{
	(void)state;
	end_2025_06_30 = days_from_civil(2025, 7, 1) * 86400;
	small = make_shop("small.db", 300, 7, &small_sum);
	big = make_shop("big.db", 2000, 1, &big_sum);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(small);
	store_close(big);
	return 0;
}

static int64_t q(store *st, const char *sql)
{
	int64_t v = -1;
	err e;
	if (store_query_int64(st, sql, &v, &e, 0))
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

/* The first column of the first row as a heap string ("" for NULL). */
static char *qtext(store *st, const char *sql)
{
	char *out = NULL;
	stmt *s;
	err e;

	if (store_prepare(st, sql, &s, &e))
		fail_msg("%s: %s", sql, e.msg);
	if (stmt_row(s, &e))
		out = xstrdup(stmt_text(s, 0) ? stmt_text(s, 0) : "");
	stmt_done(s);
	if (!out)
		fail_msg("%s: no row (%s)", sql, e.msg);
	return out;
}

static void same_seed_gives_same_shop(void **state)
{
	static const char *const fingerprints[] = {
		"SELECT sum(total * (id % 97)) FROM orders",
		"SELECT sum(placed_at % 100003) FROM orders",
		"SELECT sum(qty * product_id * line_no) FROM order_items",
		"SELECT sum(length(name) * id) + sum(length(COALESCE(email, ''))) FROM customers",
		"SELECT sum(amount) + sum(returned_at % 1009) FROM returns",
		"SELECT sum(length(subject)) + sum(occurred_at % 1013) FROM interactions",
	};
	demo_summary again_sum, other_sum;
	store *again, *other;
	shop_stats a, b;
	err e;
	(void)state;

	again = make_shop("again.db", 300, 7, &again_sum);
	other = make_shop("other.db", 300, 8, &other_sum);
	assert_int_equal(shop_stats_load(small, &a, &e), E_OK);
	assert_int_equal(shop_stats_load(again, &b, &e), E_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(small_sum.orders, again_sum.orders);
	assert_int_equal(small_sum.interactions, again_sum.interactions);
	for (size_t i = 0; i < ARRAY_SIZE(fingerprints); i++)
		assert_int_equal(q(small, fingerprints[i]), q(again, fingerprints[i]));
	char *n1 = qtext(small, "SELECT group_concat(name, '|') FROM "
				"(SELECT name FROM customers ORDER BY id LIMIT 50) AS t");
	char *n2 = qtext(again, "SELECT group_concat(name, '|') FROM "
				"(SELECT name FROM customers ORDER BY id LIMIT 50) AS t");
	assert_string_equal(n1, n2);
	/* Another seed is another shop. */
	char *n3 = qtext(other, "SELECT group_concat(name, '|') FROM "
				"(SELECT name FROM customers ORDER BY id LIMIT 50) AS t");
	assert_string_not_equal(n1, n3);
	assert_int_not_equal(q(small, fingerprints[0]), q(other, fingerprints[0]));
	free(n1);
	free(n2);
	free(n3);
	store_close(again);
	store_close(other);
}

static void summary_matches_the_database(void **state)
{
	shop_stats s;
	err e;
	(void)state;
	assert_int_equal(shop_stats_load(small, &s, &e), E_OK);
	assert_int_equal(s.customers, 300);
	assert_int_equal(small_sum.customers, 300);
	assert_int_equal(s.orders, small_sum.orders);
	assert_int_equal(s.guest_orders, small_sum.guest_orders);
	assert_int_equal(s.order_items, small_sum.order_items);
	assert_int_equal(s.products, small_sum.products);
	assert_int_equal(s.returns, small_sum.returns);
	assert_int_equal(s.interactions, small_sum.interactions);
	assert_int_equal(q(small, "SELECT count(*) FROM returns WHERE kind = 'cancellation'"),
			 small_sum.cancellations);
	assert_int_equal(q(small, "SELECT count(*) FROM returns WHERE kind = 'refund'"),
			 small_sum.refunds);
	/* 1.5 % near-duplicates, spread evenly: floor(300 * 0.015) = 4. */
	assert_int_equal(small_sum.duplicates, 4);
	assert_int_equal(big_sum.duplicates, 30);
	/* Prospects never order; a few late sign-ups have not ordered yet. */
	int64_t no_orders = q(big, "SELECT count(*) FROM customers c WHERE NOT EXISTS "
				   "(SELECT 1 FROM orders o WHERE o.customer_id = c.id)");
	assert_true(no_orders >= big_sum.prospects && no_orders < big_sum.prospects + 100);
	assert_true(small_sum.start == days_from_civil(2023, 7, 1) * 86400);
	assert_true(small_sum.end == end_2025_06_30);
}

static void every_order_adds_up(void **state)
{
	store *shops[] = {small, big};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(shops); i++) {
		store *st = shops[i];
		assert_int_equal(q(st, "SELECT count(*) FROM orders o WHERE NOT EXISTS "
				       "(SELECT 1 FROM order_items i WHERE i.order_id = o.id)"),
				 0);
		assert_int_equal(q(st, "SELECT count(*) FROM orders "
				       "WHERE total != subtotal - discount + shipping + tax"),
				 0);
		assert_int_equal(
			q(st, "SELECT count(*) FROM orders o WHERE subtotal != (SELECT "
			      "sum(qty * unit_price) FROM order_items i WHERE i.order_id = o.id)"),
			0);
		assert_int_equal(q(st,
				   "SELECT count(*) FROM orders o WHERE cogs IS NULL OR cogs != "
				   "(SELECT sum(qty * unit_cost) FROM order_items i "
				   "WHERE i.order_id = o.id)"),
				 0);
		assert_int_equal(q(st, "SELECT count(*) FROM orders o WHERE item_count != (SELECT "
				       "sum(qty) FROM order_items i WHERE i.order_id = o.id)"),
				 0);
		assert_int_equal(q(st, "SELECT count(*) FROM orders WHERE discount < 0 OR discount "
				       "> subtotal OR shipping < 0 OR tax < 0 OR total <= 0"),
				 0);
		/* Lines are 1..8, numbered from 1, never the same product twice. */
		assert_int_equal(q(st,
				   "SELECT count(*) FROM (SELECT order_id, count(*) n, "
				   "max(line_no) m, count(DISTINCT product_id) d FROM order_items "
				   "GROUP BY order_id) AS t WHERE n > 8 OR m != n OR d != n"),
				 0);
		/* Sales tax only in the US; free delivery above the threshold. */
		assert_int_equal(q(st,
				   "SELECT count(*) FROM orders o JOIN customers c ON "
				   "c.id = o.customer_id WHERE o.tax > 0 AND c.country != 'US'"),
				 0);
		assert_true(q(st, "SELECT count(*) FROM orders WHERE tax > 0") > 0);
		assert_int_equal(q(st, "SELECT count(*) FROM orders WHERE channel = 'store' AND "
				       "shipping > 0"),
				 0);
		assert_int_equal(q(st, "SELECT count(DISTINCT currency) FROM orders"), 1);
	}
	/* Mean basket about 3.3 lines, as the model says. */
	int64_t lines = q(big, "SELECT count(*) FROM order_items");
	int64_t orders = q(big, "SELECT count(*) FROM orders");
	assert_true(lines * 100 / orders >= 300 && lines * 100 / orders <= 370);
}

static void orders_follow_time_and_stay_in_the_period(void **state)
{
	(void)state;
	/* Generated in time order: ids grow with placed_at. */
	assert_int_equal(q(big, "SELECT count(*) FROM (SELECT placed_at, lag(placed_at) OVER "
				"(ORDER BY id) AS prev FROM orders) AS t WHERE placed_at < prev"),
			 0);
	assert_true(q(big, "SELECT min(placed_at) FROM orders") >= big_sum.start);
	assert_true(q(big, "SELECT max(placed_at) FROM orders") < big_sum.end);
	assert_true(q(big, "SELECT max(returned_at) FROM returns") < big_sum.end);
	assert_true(q(big, "SELECT min(occurred_at) FROM interactions") >= big_sum.start);
	assert_true(q(big, "SELECT max(occurred_at) FROM interactions") < big_sum.end);
	/* No customer orders before signing up. */
	assert_int_equal(q(big, "SELECT count(*) FROM orders o JOIN customers c ON "
				"c.id = o.customer_id WHERE o.placed_at < c.created_at"),
			 0);
	/* Customers sign up throughout, more later (the shop grows). */
	int64_t mid = (big_sum.start + big_sum.end) / 2;
	int64_t first_half = 0;
	err e;
	assert_int_equal(store_query_int64(big,
					   "SELECT count(*) FROM customers WHERE "
					   "created_at < $1",
					   &first_half, &e, 1, mid),
			 E_OK);
	assert_true(first_half > 400 && first_half < 1000);
}

static void seasons_show(void **state)
{
	(void)state;
	/* December outsells the following February although the shop has
	 * grown since; November's and December's days beat October's. */
	int64_t dec = q(big, "SELECT count(*) FROM orders WHERE placed_at >= 1733011200 "
			     "AND placed_at < 1735689600"); /* December 2024 */
	int64_t feb = q(big, "SELECT count(*) FROM orders WHERE placed_at >= 1738368000 "
			     "AND placed_at < 1740787200"); /* February 2025 */
	int64_t oct = q(big, "SELECT count(*) FROM orders WHERE placed_at >= 1727740800 "
			     "AND placed_at < 1730419200"); /* October 2024 */
	int64_t novdec = q(big, "SELECT count(*) FROM orders WHERE placed_at >= 1730419200 "
				"AND placed_at < 1735689600");
	assert_true(dec * 28 > feb * 31 * 13 / 10);
	assert_true(novdec * 31 > oct * 61 * 13 / 10);
}

static void buyers_vary(void **state)
{
	(void)state;
	static const char *const per_customer =
		"SELECT count(*) FROM (SELECT customer_id, count(*) n FROM orders WHERE "
		"customer_id IS NOT NULL GROUP BY customer_id) AS t WHERE n = 1";
	int64_t one_off = q(big, per_customer);
	int64_t repeat = q(big, "SELECT count(*) FROM (SELECT customer_id, count(*) n FROM orders "
				"WHERE customer_id IS NOT NULL GROUP BY customer_id) AS t WHERE n >= 2");
	int64_t loyal = q(big, "SELECT count(*) FROM (SELECT customer_id, count(*) n FROM orders "
			       "WHERE customer_id IS NOT NULL GROUP BY customer_id) AS t WHERE n >= 10");
	int64_t buyers = one_off + repeat;
	/* BG/NBD with these parameters: about half buy once, a tail buys a lot. */
	assert_true(one_off * 100 / buyers >= 30 && one_off * 100 / buyers <= 65);
	assert_true(loyal > 20);
	assert_true(big_sum.prospects > 100 && big_sum.prospects < 250);
	assert_true(q(small, per_customer) > 0);
	assert_true(q(big, "SELECT count(*) FROM customers WHERE tags LIKE '%\"vip\"%'") > 0);
	assert_true(q(big, "SELECT count(*) FROM customers WHERE tags LIKE '%\"newsletter\"%'") >
		    0);
	assert_true(big_sum.guest_orders > 0);
	assert_int_equal(q(big, "SELECT count(*) FROM orders WHERE customer_id IS NULL AND "
				"guest_email IS NULL"),
			 0);
	/* Every acquisition source and order channel occurs. */
	assert_int_equal(q(big, "SELECT count(DISTINCT source) FROM customers"), 5);
	assert_int_equal(q(big, "SELECT count(DISTINCT channel) FROM orders"), 4);
}

/* True when `s` holds a character in the CJK Unified Ideographs block. */
static bool has_hanzi(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
			unsigned cp =
				((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
			if (cp >= 0x4E00 && cp <= 0x9FFF)
				return true;
		}
	}
	return false;
}

static bool latin_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == ' '))
			return false;
	}
	return true;
}

static void people_look_real(void **state)
{
	int zh = 0, en = 0, rows = 0;
	arena a;
	stmt *s;
	err e;
	(void)state;

	arena_init(&a, 0);
	assert_int_equal(store_prepare(small, "SELECT id FROM customers ORDER BY id", &s, &e),
			 E_OK);
	while (stmt_row(s, &e)) {
		customer c;
		bool found = false;
		assert_int_equal(customer_load(small, stmt_int64(s, 0), &a, &c, &e), E_OK);
		assert_int_equal(customer_validate(&c, &e), E_OK);
		rows++;
		if (has_hanzi(c.name)) {
			zh++;
			assert_string_equal(c.country, "CN");
			assert_string_equal(c.attributes, "{\"language\":\"zh-CN\"}");
		} else if (latin_name(c.name)) {
			en++;
		}
		/* City, region and country come from one row of the table. */
		for (size_t i = 0; i < demo_n_cities; i++) {
			const demo_city *dc = &demo_cities[i];
			found = found || (strcmp(dc->city, c.city) == 0 &&
					  strcmp(dc->region, c.region) == 0 &&
					  strcmp(demo_country_code[dc->country], c.country) == 0);
		}
		assert_true(found);
		assert_non_null(c.external_id);
		assert_int_equal(strncmp(c.external_id, "DEMO-", 5), 0);
		assert_true(c.created_at >= small_sum.start && c.created_at < small_sum.end);
		arena_clear(&a);
	}
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	arena_release(&a);
	assert_int_equal(rows, 300);
	assert_true(zh >= 60);	/* about 35 % live in China */
	assert_true(en >= 120); /* most of the rest */
	/* Phones are E.164 with the country's code; some are missing. */
	test_open_copies(big);
	assert_int_equal(q(big, "SELECT count(*) FROM customers WHERE phone IS NOT NULL AND NOT ("
				"(country = 'GB' AND phone LIKE '+447%') OR "
				"(country = 'CN' AND phone LIKE '+861%' AND length(phone) = 14) OR "
				"(country = 'US' AND phone LIKE '+1%' AND length(phone) = 12))"),
			 0);
	assert_true(q(big, "SELECT count(*) FROM customers WHERE phone IS NULL") > 0);
	assert_true(q(big, "SELECT count(*) FROM customers WHERE email IS NULL") > 0);
	assert_true(q(big, "SELECT count(*) FROM customers WHERE birth_date IS NULL") > 0);
	assert_true(q(big, "SELECT count(*) FROM customers WHERE email LIKE '%@qq.com'") > 0);
	/* Chinese postcodes have six digits, US ZIPs five. */
	assert_int_equal(q(big,
			   "SELECT count(*) FROM customers WHERE (country = 'CN' AND "
			   "length(postcode) != 6) OR (country = 'US' AND length(postcode) != 5)"),
			 0);
	test_drop_copies(big);
}

static void near_duplicates_are_findable(void **state)
{
	(void)state;
	test_open_copies(big);
	test_open_copies(small);
	int64_t pairs = q(big, "SELECT count(*) FROM customers a JOIN customers b ON a.id < b.id "
			       "AND (a.phone = b.phone OR a.email = b.email OR "
			       "(a.postcode = b.postcode AND a.address = b.address))");
	/* Every near-duplicate shares a key with its original, and nobody
	 * else shares an e-mail or phone by chance. */
	assert_int_equal(pairs, big_sum.duplicates);
	assert_true(q(big, "SELECT count(*) FROM customers a JOIN customers b ON a.id < b.id "
			   "AND a.phone = b.phone AND a.name != b.name") > 0);
	assert_true(q(big, "SELECT count(*) FROM customers a JOIN customers b ON a.id < b.id "
			   "AND a.email = b.email") > 0);
	assert_true(q(small, "SELECT count(*) FROM customers a JOIN customers b ON a.id < b.id "
			     "AND (a.phone = b.phone OR a.email = b.email OR "
			     "(a.postcode = b.postcode AND a.address = b.address))") >= 1);
	test_drop_copies(big);
	test_drop_copies(small);
}

static void returns_match_their_orders(void **state)
{
	(void)state;
	store *shops[] = {small, big};
	for (size_t i = 0; i < ARRAY_SIZE(shops); i++) {
		store *st = shops[i];
		assert_true(q(st, "SELECT count(*) FROM returns WHERE kind = 'return'") > 0);
		/* Each cancelled or refunded order has one row for its whole total. */
		assert_int_equal(q(st,
				   "SELECT count(*) FROM orders o WHERE status IN ('cancelled', "
				   "'refunded') AND (SELECT count(*) FROM returns r WHERE "
				   "r.order_id = o.id AND r.amount = o.total AND r.kind = CASE "
				   "o.status WHEN 'cancelled' THEN 'cancellation' ELSE 'refund' "
				   "END) != 1"),
				 0);
		assert_int_equal(
			q(st, "SELECT count(*) FROM returns r JOIN orders o ON o.id = "
			      "r.order_id WHERE r.kind != 'return' AND o.status = 'completed'"),
			0);
		/* A returned line was in the order, no more than was bought, for
		 * no more than was paid, after the order. */
		assert_int_equal(q(st,
				   "SELECT count(*) FROM returns r JOIN orders o ON o.id = "
				   "r.order_id WHERE r.kind = 'return' AND (r.returned_at <= "
				   "o.placed_at OR r.customer_id != o.customer_id OR r.amount <= 0 "
				   "OR r.qty > (SELECT qty FROM order_items i WHERE i.order_id = "
				   "o.id AND i.product_id = r.product_id) OR r.amount > "
				   "r.qty * (SELECT unit_price FROM order_items i WHERE "
				   "i.order_id = o.id AND i.product_id = r.product_id))"),
				 0);
	}
	/* 3-5 % of orders have a returned line. */
	int64_t with_return =
		q(big, "SELECT count(DISTINCT order_id) FROM returns WHERE kind = 'return'");
	int64_t orders = q(big, "SELECT count(*) FROM orders");
	assert_true(with_return * 1000 / orders >= 25 && with_return * 1000 / orders <= 60);
}

/* True when `s` is `tmpl` with each {token} replaced by some text. */
static bool matches(const char *tmpl, const char *s)
{
	if (*tmpl == '{') {
		const char *after = strchr(tmpl, '}') + 1;
		for (const char *p = s;; p++) {
			if (matches(after, p))
				return true;
			if (!*p)
				return false;
		}
	}
	if (!*tmpl)
		return !*s;
	return *tmpl == *s && matches(tmpl + 1, s + 1);
}

static void interactions_cover_channels_and_languages(void **state)
{
	(void)state;
	assert_true(q(small, "SELECT count(DISTINCT channel) FROM interactions") >= 4);
	assert_int_equal(q(big, "SELECT count(DISTINCT channel) FROM interactions"), 6);
	assert_int_equal(q(big, "SELECT count(DISTINCT direction) FROM interactions"), 2);
	assert_true(q(big, "SELECT count(*) FROM interactions WHERE kind = 'complaint'") > 0);
	assert_true(q(big, "SELECT count(*) FROM interactions WHERE kind = 'review'") > 0);
	assert_int_equal(q(big, "SELECT count(*) FROM interactions WHERE customer_id IS NULL"), 0);
	assert_int_equal(q(big, "SELECT count(*) FROM interactions WHERE instr(subject, '{') > 0 "
				"OR instr(body, '{') > 0"),
			 0);
	/* Chinese customers are written to in Chinese, others in English:
	 * every subject is one of the templates of the customer's language. */
	stmt *st;
	err e;
	int zh = 0, en = 0;
	assert_int_equal(store_prepare(big,
				       "SELECT i.subject, c.attributes LIKE '%zh-CN%' FROM "
				       "interactions i JOIN customers c ON c.id = i.customer_id",
				       &st, &e),
			 E_OK);
	while (stmt_row(st, &e)) {
		const char *subject = stmt_text(st, 0);
		bool chinese = stmt_int64(st, 1) != 0, found = false;
		for (size_t i = 0; i < demo_n_texts && !found; i++)
			found = matches(chinese ? demo_texts[i].subject_zh
						: demo_texts[i].subject_en,
					subject);
		if (!found)
			fail_msg("subject '%s' is no %s template", subject,
				 chinese ? "Chinese" : "English");
		zh += chinese;
		en += !chinese;
	}
	stmt_done(st);
	assert_int_equal(e.code, E_OK);
	assert_true(zh > 0 && en > 0);
}

static void catalogue_has_margins_and_pairs(void **state)
{
	(void)state;
	demo_catalog cat;
	demo_catalog_build(&cat);
	assert_int_equal(q(small, "SELECT count(*) FROM products"), (int64_t)cat.n);
	assert_true(cat.n >= 200);
	assert_int_equal(q(small, "SELECT count(DISTINCT category) FROM products"),
			 DEMO_CATEGORIES);
	assert_int_equal(q(small, "SELECT count(DISTINCT sku) FROM products"), (int64_t)cat.n);
	for (size_t i = 0; i < cat.n; i++) {
		const demo_product *p = &cat.items[i];
		const demo_category *c = &demo_categories[p->category];
		int64_t margin = (p->price - p->cost) * 100;
		assert_true(p->cost > 0 && p->cost < p->price);
		/* Costs are rounded down: the margin may round up by a point. */
		assert_true(margin >= (int64_t)c->margin_lo * p->price);
		assert_true(margin <= ((int64_t)c->margin_hi + 1) * p->price);
	}
	demo_catalog_release(&cat);
	/* Bought together: most orders with a grinder also have beans, far
	 * more than orders in general (lift well above 1). */
	int64_t grinder =
		q(big, "SELECT count(DISTINCT i.order_id) FROM order_items i JOIN "
		       "products p ON p.id = i.product_id WHERE p.name = 'Coffee Grinder'");
	int64_t both =
		q(big, "SELECT count(*) FROM (SELECT i.order_id FROM order_items i JOIN "
		       "products p ON p.id = i.product_id WHERE p.name IN ('Coffee Grinder', "
		       "'Coffee Beans (250g)') GROUP BY i.order_id HAVING count(*) = 2) AS t");
	int64_t beans =
		q(big, "SELECT count(DISTINCT i.order_id) FROM order_items i JOIN "
		       "products p ON p.id = i.product_id WHERE p.name = 'Coffee Beans (250g)'");
	int64_t orders = q(big, "SELECT count(*) FROM orders");
	assert_true(grinder >= 20);
	assert_true(both * 100 / grinder >= 30);
	assert_true((double)both / (double)grinder > 3.0 * (double)beans / (double)orders);
}

static void refuses_a_database_with_data_and_bad_options(void **state)
{
	demo_options o;
	err e;
	(void)state;
	options(&o, 10, 1);
	assert_int_equal(demo_generate(small, &o, NULL, &e), E_CONFLICT);
	assert_non_null(strstr(e.msg, "empty"));
	store *st = open_db("bad.db");
	options(&o, 0, 1);
	assert_int_equal(demo_generate(st, &o, NULL, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "customers"));
	options(&o, 10, 1);
	o.months = 0;
	assert_int_equal(demo_generate(st, &o, NULL, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "months"));
	assert_int_equal(q(st, "SELECT count(*) FROM customers"), 0);
	store_close(st);
}

/* Runs a shell command; returns its exit status. */
static int run(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void command_line_end_to_end(void **state)
{
	const char *bin = getenv("ECRM_BIN");
	const char *db = test_store_uri("cli.db");
	const char *errf = test_tmpfile("cli.err");
	char cmd[2048], out[1024] = "";
	shop_stats want, got;
	store *st;
	FILE *p;
	err e;
	(void)state;

	if (!bin || !*bin)
		skip();
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' init >/dev/null", bin, db);
	assert_int_equal(run(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "'%s' --db '%s' demo --customers 300 --seed 7 --end 2025-06-30 --quiet --json",
		 bin, db);
	p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(out, "\"customers\":300,"));
	assert_non_null(strstr(out, "\"start\":\"2023-07-01\",\"end\":\"2025-06-30\""));
	/* The command makes the same shop as the library with those options. */
	assert_int_equal(store_open(db, 0, &st, &e), E_OK);
	assert_int_equal(shop_stats_load(st, &got, &e), E_OK);
	assert_int_equal(shop_stats_load(small, &want, &e), E_OK);
	assert_memory_equal(&want, &got, sizeof(want));
	store_close(st);
	/* A second run refuses the filled database; bad options are usage errors. */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' demo --customers 5 --quiet 2>'%s'", bin, db,
		 errf);
	assert_int_equal(run(cmd), 1);
	snprintf(cmd, sizeof(cmd), "grep -q 'empty' '%s'", errf);
	assert_int_equal(run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' demo --customers abc 2>/dev/null", bin, db);
	assert_int_equal(run(cmd), 2);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' demo --end 2025-13-01 2>/dev/null", bin, db);
	assert_int_equal(run(cmd), 2);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' demo --frobnicate 1 2>/dev/null", bin, db);
	assert_int_equal(run(cmd), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_gives_same_shop),
		cmocka_unit_test(summary_matches_the_database),
		cmocka_unit_test(every_order_adds_up),
		cmocka_unit_test(orders_follow_time_and_stay_in_the_period),
		cmocka_unit_test(seasons_show),
		cmocka_unit_test(buyers_vary),
		cmocka_unit_test(people_look_real),
		cmocka_unit_test(near_duplicates_are_findable),
		cmocka_unit_test(returns_match_their_orders),
		cmocka_unit_test(interactions_cover_channels_and_languages),
		cmocka_unit_test(catalogue_has_margins_and_pairs),
		cmocka_unit_test(refuses_a_database_with_data_and_bad_options),
		cmocka_unit_test(command_line_end_to_end),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
