/* test_duplicates_of.c: one customer's duplicate candidates are exactly the
 * shop-wide pairs (duplicates_find) that hold that customer, in the same
 * order with the same scores and reasons, for every customer of a shop with
 * phone and postcode blocks (postcodes in mixed case and spacing), a pair
 * found through both, merged and unnamed customers, a block at the size
 * limit and one past it. */
#include "testutil.h"
#include "ingest/duplicates.h"

static store *st;
static err e;
static int64_t last_id;

static void add(const char *name, const char *postcode, const char *phone_bidx, int64_t merged)
{
	stmt *s;

	assert_int_equal(
		store_prepare(st,
			      "INSERT INTO customers (name, postcode, phone_bidx, merged_into,"
			      " created_at, updated_at) VALUES ($1, $2, $3, $4, 0, 0)",
			      &s, &e),
		E_OK);
	stmt_bind_text(s, 1, name);
	stmt_bind_text(s, 2, postcode);
	stmt_bind_text(s, 3, phone_bidx);
	stmt_bind_opt_int64(s, 4, merged, merged == 0);
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	last_id++;
}

static int setup(void **state)
{
	char name[32];
	(void)state;
	st = test_open_store("dups.db");
	add("Jonathan Doubleday", NULL, "T1", 0);      /* 1 */
	add("Jonathon Doubleday", "LS1 4AP", "T1", 0); /* 2 */
	add("Jon D", NULL, "T1", 0);		       /* 3 */
	add("Mary Major", NULL, "T1", 0);	       /* 4 */
	add("Ann Lee", "SW1A 1AA", NULL, 0);	       /* 5 */
	add("Anne Lee", "sw1a1aa", NULL, 0);	       /* 6 */
	add("Ann Leigh", "SW1A  1AA", NULL, 0);	       /* 7 */
	add("Bob Stone", "SW1A 1AA", NULL, 0);	       /* 8 */
	add("Ann Lee", "Sw1a 1aa", "T1", 0);	       /* 9: both blocks */
	add("Anne Lee", "SW1A 1AA", "T1", 5);	       /* 10: merged away */
	add("", "SW1A 1AA", "T1", 0);		       /* 11: no name */
	add("张伟", NULL, "T2", 0);		       /* 12 */
	add("张 伟", "100000", "T2", 0);	       /* 13 */
	add("Jonathan Doubleday", "LS1 4AP", NULL, 0); /* 14 */
	/* 200 at one postcode: still a block; 201 at another: too big. */
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "Carol Sm%cth", i % 2 ? 'i' : 'y');
		add(name, "YY1 1YY", NULL, 0);
	}
	for (int i = 0; i < 201; i++)
		add("Dave Jones", "ZZ1 1ZZ", NULL, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static void same_as_the_shop_wide_pairs(void **state)
{
	static const double mins[] = { 0.0, 0.6, 0.85, 0.95 };
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(mins); m++) {
		duplicate_pair *all, *mine;
		size_t nall, nmine, checked = 0;
		assert_int_equal(duplicates_find(st, mins[m], SIZE_MAX, &all, &nall, &e), E_OK);
		for (int64_t id = 1; id <= last_id; id++) {
			size_t k = 0;
			assert_int_equal(
				duplicates_of(st, id, mins[m], SIZE_MAX, &mine, &nmine, &e), E_OK);
			for (size_t i = 0; i < nall; i++) {
				const duplicate_pair *p = &all[i];
				if (p->a != id && p->b != id)
					continue;
				if (k >= nmine || mine[k].a != p->a || mine[k].b != p->b ||
				    mine[k].score != p->score ||
				    mine[k].same_phone != p->same_phone ||
				    mine[k].same_postcode != p->same_postcode)
					fail_msg("min %.2f, customer %" PRId64 ": pair %zu differs",
						 mins[m], id, k);
				k++;
			}
			if (k != nmine)
				fail_msg("min %.2f, customer %" PRId64 ": %zu pairs, want %zu",
					 mins[m], id, nmine, k);
			checked += k;
			free(mine);
		}
		/* Every pair was seen from both of its customers. */
		assert_int_equal(checked, 2 * nall);
		free(all);
	}
}

static void what_the_shop_has(void **state)
{
	duplicate_pair *p;
	size_t n;
	(void)state;
	/* 9: Ann Lee by phone and by postcode with one customer (5 is not
	 * on T1: postcode only). */
	assert_int_equal(duplicates_of(st, 5, 0.85, 100, &p, &n, &e), E_OK);
	assert_true(n >= 2);
	assert_int_equal(p[0].a, 5);
	assert_int_equal(p[0].b, 9); /* the same name: the best score */
	assert_true(p[0].same_postcode && !p[0].same_phone);
	free(p);
	assert_int_equal(duplicates_of(st, 9, 0.85, 1, &p, &n, &e), E_OK);
	assert_int_equal(n, 1);
	free(p);
	/* Chinese names with and without the space. */
	assert_int_equal(duplicates_of(st, 12, 0.85, 100, &p, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].b, 13);
	assert_true(p[0].score == 1.0);
	free(p);
	/* Merged away and unnamed: none. A block past the limit: none. */
	assert_int_equal(duplicates_of(st, 10, 0, 100, &p, &n, &e), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(duplicates_of(st, 11, 0, 100, &p, &n, &e), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(duplicates_of(st, last_id, 0, 100, &p, &n, &e), E_OK);
	assert_int_equal(n, 0);
	/* A block at the limit: 199 others. */
	assert_int_equal(duplicates_of(st, 15, 0, 1000, &p, &n, &e), E_OK);
	assert_int_equal(n, 199);
	free(p);
	assert_int_equal(duplicates_of(st, 99999, 0, 100, &p, &n, &e), E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_the_shop_wide_pairs),
		cmocka_unit_test(what_the_shop_has),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
