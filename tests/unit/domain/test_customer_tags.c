/* test_customer_tags.c: tags of many customers at once: added once, removed,
 * order kept, repeated ids counted once, only changed customers touched;
 * the tag filter of the list follows (customer_tags rows); any unknown,
 * erased or merged customer or bad input changes nothing. */
#include "testutil.h"
#include "core/arena.h"
#include "domain/customer_query.h"
#include "domain/customer_tags.h"

static store *st;
static err e;

static void run(const char *sql)
{
	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

static int setup(void **state)
{
	(void)state;
	st = test_open_store("tags.db");
	run("INSERT INTO customers (id, name, tags, created_at, updated_at) VALUES"
	    " (1, 'a', '[\"vip\",\"old\"]', 0, 0), (2, 'b', '[]', 0, 0),"
	    " (3, 'c', '[\"x\"]', 0, 0), (4, 'd', '[]', 0, 0)");
	run("INSERT INTO customers (id, name, tags, created_at, updated_at, merged_into)"
	    " VALUES (5, 'e', '[]', 0, 0, 1)");
	run("INSERT INTO customers (id, name, tags, created_at, updated_at, erased_at)"
	    " VALUES (6, '', '[]', 0, 0, 100)");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static const char *tags_of(int64_t id)
{
	static char buf[256];
	stmt *s;

	assert_int_equal(
		store_prepare(st, "SELECT tags, updated_at FROM customers WHERE id = $1", &s, &e),
		E_OK);
	stmt_bind_int64(s, 1, id);
	assert_true(stmt_row(s, &e));
	snprintf(buf, sizeof(buf), "%s@%" PRId64, stmt_text(s, 0), stmt_int64(s, 1));
	stmt_done(s);
	return buf;
}

/* How many live customers the list finds with `tag`. */
static size_t tagged(const char *tag)
{
	customer_query q = { .tag = tag, .limit = 100 };
	customer_row *rows;
	size_t n;
	bool more;
	arena a;

	arena_init(&a, 0);
	assert_int_equal(customer_list(st, &q, &a, &rows, &n, &more, &e), E_OK);
	arena_release(&a);
	return n;
}

static void add_and_remove(void **state)
{
	const int64_t ids[] = { 3, 1, 2, 1 };
	const char *add[] = { "spring", "vip" }, *remove[] = { "old" };
	int64_t *changed;
	size_t n;
	arena a;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(
		customer_tags_apply(st, ids, 4, add, 2, remove, 1, 500, &a, &changed, &n, &e),
		E_OK);
	assert_int_equal(n, 3);
	assert_int_equal(changed[0], 1);
	assert_int_equal(changed[1], 2);
	assert_int_equal(changed[2], 3);
	/* vip kept in place (not added twice), old gone, spring at the end. */
	assert_string_equal(tags_of(1), "[\"vip\",\"spring\"]@500");
	assert_string_equal(tags_of(2), "[\"spring\",\"vip\"]@500");
	assert_string_equal(tags_of(3), "[\"x\",\"spring\",\"vip\"]@500");
	assert_string_equal(tags_of(4), "[]@0");
	assert_int_equal(tagged("spring"), 3);
	assert_int_equal(tagged("old"), 0);
	assert_int_equal(tagged("vip"), 3);
	/* Again: nothing changes, nothing is touched. */
	assert_int_equal(
		customer_tags_apply(st, ids, 4, add, 2, remove, 1, 600, &a, &changed, &n, &e),
		E_OK);
	assert_int_equal(n, 0);
	assert_string_equal(tags_of(1), "[\"vip\",\"spring\"]@500");
	/* Removing only. */
	assert_int_equal(
		customer_tags_apply(st, ids, 1, NULL, 0, add, 1, 700, &a, &changed, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_string_equal(tags_of(3), "[\"x\",\"vip\"]@700");
	assert_int_equal(tagged("spring"), 2);
	arena_release(&a);
}

static void all_or_nothing(void **state)
{
	static const struct {
		int64_t ids[3];
		size_t n;
		const char *add, *remove;
		status want;
		const char *msg;
	} cases[] = {
		{ { 2, 4, 999 }, 3, "t", NULL, E_NOTFOUND, "no customer 999" },
		{ { 2, 4, 5 }, 3, "t", NULL, E_CONFLICT, "customer 5 is merged" },
		{ { 2, 6, 4 }, 3, "t", NULL, E_CONFLICT, "customer 6 was erased" },
		{ { 2, 4 }, 2, "", NULL, E_INVAL, "add: a tag is empty" },
		{ { 2, 4 }, 2, "t", "t", E_INVAL, "add: 't' is also in remove" },
	};
	int64_t *changed, many[CUSTOMER_TAGS_MAX_IDS + 1];
	char long_tag[CUSTOMER_TAG_MAX_BYTES + 2];
	const char *one[1];
	size_t n;
	arena a;
	(void)state;
	arena_init(&a, 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *add[] = { cases[i].add }, *remove[] = { cases[i].remove };
		status rc = customer_tags_apply(st, cases[i].ids, cases[i].n, add, 1, remove,
						cases[i].remove ? 1 : 0, 900, &a, &changed, &n, &e);
		if (rc != cases[i].want || !strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: %d %s", i, (int)rc, e.msg);
		assert_int_equal(n, 0);
		/* Customers 2 and 4 were before the failing one: untouched. */
		assert_string_equal(tags_of(4), "[]@0");
		assert_int_equal(tagged("t"), 0);
	}
	memset(long_tag, 'x', sizeof(long_tag) - 1);
	long_tag[sizeof(long_tag) - 1] = '\0';
	one[0] = long_tag;
	assert_int_equal(customer_tags_apply(st, (int64_t[]){ 4 }, 1, one, 1, NULL, 0, 900, &a,
					     &changed, &n, &e),
			 E_INVAL);
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = 4;
	one[0] = "t";
	assert_int_equal(customer_tags_apply(st, many, ARRAY_SIZE(many), one, 1, NULL, 0, 900, &a,
					     &changed, &n, &e),
			 E_INVAL);
	/* The most allowed is fine. */
	assert_int_equal(customer_tags_apply(st, many, CUSTOMER_TAGS_MAX_IDS, one, 1, NULL, 0, 900,
					     &a, &changed, &n, &e),
			 E_OK);
	assert_int_equal(n, 1);
	assert_string_equal(tags_of(4), "[\"t\"]@900");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_and_remove),
		cmocka_unit_test(all_or_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
