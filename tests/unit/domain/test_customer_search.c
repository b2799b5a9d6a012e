/* test_customer_search.c: 1-2 character name fragments with a non-ASCII
 * character (migration 007's one-token-per-character index): any
 * characters of the name, in order and adjacent, never across a space;
 * punctuation and symbols count; letters match in either case; renamed and
 * deleted customers leave the index. */
#include "testutil.h"
#include "core/arena.h"
#include "domain/customer_query.h"

static store *st;
static err e;

static const char *const names[] = {
	"张伟",	      /* 1 */
	"张伟明",     /* 2 */
	"Zoë Smith",  /* 3 */
	"阿卜·热合",  /* 4 */
	"ÉCOLE Ñu",   /* 5 */
	"Jack Smith", /* 6: ASCII only: not in this index */
	"王 伟",      /* 7: a space between */
	"😀 Ann",      /* 8 */
};

static int setup(void **state)
{
	(void)state;
	st = test_open_store("search.db");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		stmt *s;
		assert_int_equal(store_prepare(st,
					       "INSERT INTO customers (id, name, created_at, "
					       "updated_at) VALUES ($1, $2, 0, 0)",
					       &s, &e),
				 E_OK);
		stmt_bind_int64(s, 1, (int64_t)i + 1);
		stmt_bind_text(s, 2, names[i]);
		assert_int_equal(stmt_exec(s, &e), E_OK);
		stmt_done(s);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

/* The ids found for `q`, as "1,2" (ascending). */
static const char *found(const char *q)
{
	static char buf[128];
	customer_query cq = { .q = q, .limit = 100 };
	customer_row *rows;
	size_t n, used = 0;
	arena a;

	arena_init(&a, 0);
	if (customer_search(st, &cq, &a, &rows, &n, &e))
		fail_msg("%s: %s", q, e.msg);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%" PRId64, i ? "," : "",
					 rows[i].id);
	arena_release(&a);
	return buf;
}

static void fragments(void **state)
{
	static const struct {
		const char *q, *want;
	} cases[] = {
		{ "张", "1,2" }, { "伟", "1,2,7" }, { "张伟", "1,2" },
		{ "伟明", "2" }, { "明伟", "" },    { "王伟", "" }, /* the space is in between */
		{ "ë", "3" },	 { "oë", "3" },	    { "ës", "" },   /* not across the space */
		{ "·", "4" },	 { "卜·", "4" },    { "É", "5" },
		{ "é", "5" }, /* either case */
		{ "ñu", "5" },	 { "😀", "8" },	    { "\"伟", "" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = found(cases[i].q);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("q=%s: found '%s', want '%s'", cases[i].q, got, cases[i].want);
	}
}

static void renames_and_deletes_leave_the_index(void **state)
{
	stmt *s;
	(void)state;
	assert_int_equal(store_exec(st, "UPDATE customers SET name = '李明' WHERE id = 2", &e),
			 E_OK);
	assert_string_equal(found("伟明"), "");
	assert_string_equal(found("李明"), "2");
	assert_string_equal(found("伟"), "1,7");
	/* Renamed to plain ASCII: out of this index, found by the others. */
	assert_int_equal(store_exec(st, "UPDATE customers SET name = 'Zoe Smith' WHERE id = 3", &e),
			 E_OK);
	assert_string_equal(found("ë"), "");
	assert_string_equal(found("Zoe"), "3");
	assert_int_equal(store_prepare(st, "DELETE FROM customers WHERE id = $1", &s, &e), E_OK);
	stmt_bind_int64(s, 1, 1);
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	assert_string_equal(found("张"), "");
	assert_string_equal(found("伟"), "7");
	/* The index answers an integrity check: deletes gave back what went in.
	 * PostgreSQL keeps 1-2 character grams in a table (postgres/007): it
	 * holds exactly the grams of the names there are now. */
	if (strcmp(test_store_kind(), "postgres") == 0) {
		int64_t stray = -1;
		assert_int_equal(store_query_int64(st,
						   "SELECT COUNT(*) FROM ((SELECT gram, customer_id"
						   " FROM customer_name_grams EXCEPT SELECT g, c.id"
						   " FROM customers c, ecrm_name_grams(c.name) g)"
						   " UNION ALL (SELECT g, c.id FROM customers c,"
						   " ecrm_name_grams(c.name) g EXCEPT SELECT gram,"
						   " customer_id FROM customer_name_grams)) d",
						   &stray, &e, 0),
				 E_OK);
		assert_int_equal(stray, 0);
	} else {
		assert_int_equal(store_exec(st,
					    "INSERT INTO customers_chars (customers_chars, rank) "
					    "VALUES ('integrity-check', 0)",
					    &e),
				 E_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fragments),
		cmocka_unit_test(renames_and_deletes_leave_the_index),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
