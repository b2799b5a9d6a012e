/* test_recs_store.c: the writers of analytics/recs_store.h replace a
 * table's whole content, and leave the old content when a row fails (one
 * transaction); the readers return what was written, with the products'
 * SKUs and names. */
#include "testutil.h"
#include "analytics/recs_store.h"

#include <math.h>

static store *st;

/* Products A, B, C; 99 is no product. */
enum { PA = 11, PB = 12, PC = 13, GONE = 99 };

static int setup(void **state)
{
	static const char sql[] = "INSERT INTO products (id, sku, name, created_at, updated_at) "
				  "VALUES ($1, $2, $3, 0, 0)";
	static const char *const names[] = { "apple", "bread", "cheese" };
	err e;
	(void)state;

	st = test_open_store("recs.db");
	for (int i = 0; i < 3; i++) {
		stmt *s;
		char sku[8];
		snprintf(sku, sizeof(sku), "SKU-%c", 'A' + i);
		assert_int_equal(store_prepare(st, sql, &s, &e), E_OK);
		stmt_bind_int64(s, 1, PA + i);
		stmt_bind_text(s, 2, sku);
		stmt_bind_text(s, 3, names[i]);
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

static const int64_t a[] = { PA }, ab[] = { PA, PB }, b[] = { PB }, c[] = { PC };

static void rules(void **state)
{
	const recs_rule two[] = {
		{ a, 1, b, 1, 0.25, 0.5, 2.5, 4 },
		{ ab, 2, c, 1, 0.125, 0.75, 1.5, 2 },
	};
	const recs_rule one[] = { { c, 1, a, 1, 0.5, 1, 3, 8 } };
	/* A twice on one side: the second item row repeats the first's key. */
	const recs_rule twice[] = { { b, 1, c, 1, 0.1, 0.1, 1, 1 },
				    { (const int64_t[]){ PA, PA }, 2, b, 1, 0.1, 0.1, 1, 1 } };
	const recs_rule bad_basis[] = { { b, 1, c, 1, 0.1, 0.1, 1, 1 } };
	recs_rule_filter all = { .limit = 10 };
	recs_rule_row *v;
	int64_t total;
	arena ar;
	size_t n;
	err e;
	(void)state;

	arena_init(&ar, 4096);
	assert_int_equal(recs_rules_replace(st, two, 2, "order", 1000, &e), E_OK);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM association_rule_items"), 5);
	assert_int_equal(recs_rules_list(st, &ar, &all, &v, &n, &total, &e), E_OK);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, 1);
	assert_int_equal(v[0].n_antecedent, 1);
	assert_string_equal(v[0].antecedent[0].sku, "SKU-A");
	assert_string_equal(v[0].consequent[0].name, "bread");
	assert_true(v[0].support == 0.25 && v[0].confidence == 0.5 && v[0].lift == 2.5);
	assert_int_equal(v[0].count, 4);
	assert_string_equal(v[0].basis, "order");
	assert_int_equal(v[0].computed_at, 1000);
	assert_int_equal(v[1].id, 2);
	assert_int_equal(v[1].n_antecedent, 2);
	assert_string_equal(v[1].antecedent[1].sku, "SKU-B");
	assert_string_equal(v[1].consequent[0].sku, "SKU-C");
	/* only {A} => {B} has a one-item antecedent A */
	assert_int_equal(recs_bought_together(st, &ar, PA, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].consequent[0].id, PB);

	/* A new run replaces the rules and their items. */
	assert_int_equal(recs_rules_replace(st, one, 1, "customer", 2000, &e), E_OK);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM association_rule_items"), 2);
	assert_int_equal(recs_rules_list(st, &ar, &all, &v, &n, &total, &e), E_OK);
	assert_int_equal(total, 1);
	assert_int_equal(v[0].antecedent[0].id, PC);
	assert_string_equal(v[0].basis, "customer");
	assert_int_equal(recs_bought_together(st, &ar, PA, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 0);

	/* A failing rule or item row leaves the previous run whole. */
	assert_int_not_equal(recs_rules_replace(st, twice, 2, "order", 3000, &e), E_OK);
	assert_false(store_in_transaction(st));
	assert_int_not_equal(recs_rules_replace(st, bad_basis, 1, "neither", 3000, &e), E_OK);
	assert_false(store_in_transaction(st));
	assert_int_equal(recs_rules_list(st, &ar, &all, &v, &n, &total, &e), E_OK);
	assert_int_equal(total, 1);
	assert_int_equal(v[0].computed_at, 2000);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM association_rule_items"), 2);

	/* No rules at all is a run too. */
	assert_int_equal(recs_rules_replace(st, NULL, 0, "order", 4000, &e), E_OK);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM association_rules"), 0);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM association_rule_items"), 0);
	arena_release(&ar);
}

static void recommendations(void **state)
{
	const recs_rec two[] = {
		{ 7, PC, 1, 0.9, RECS_RULE, ab, 2, 0.75, 1.5 },
		{ 7, GONE, 2, INFINITY, RECS_POPULAR, NULL, 0, NAN, NAN },
	};
	const recs_rec one[] = { { 8, PA, 1, 0.5, RECS_SIMILAR, b, 1, 0.25, NAN } };
	const recs_rec same_rank[] = { { 9, PA, 1, 1, RECS_POPULAR, NULL, 0, NAN, NAN },
				       { 9, PB, 1, 1, RECS_POPULAR, NULL, 0, NAN, NAN } };
	recs_rec_row *v;
	arena ar;
	size_t n;
	err e;
	(void)state;

	arena_init(&ar, 4096);
	assert_int_equal(recs_recommendations_replace(st, two, 2, "itemknn", 1000, &e), E_OK);
	assert_int_equal(recs_for_customer(st, &ar, 7, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].rank, 1);
	assert_string_equal(v[0].product.sku, "SKU-C");
	assert_true(v[0].score == 0.9);
	assert_string_equal(v[0].model, "itemknn");
	assert_int_equal(v[0].reason, RECS_RULE);
	assert_int_equal(v[0].n_reason_products, 2);
	assert_string_equal(v[0].reason_products[1].name, "bread");
	assert_true(v[0].reason_value == 0.75 && v[0].reason_lift == 1.5);
	assert_int_equal(v[0].computed_at, 1000);
	/* a product gone since; a score that is not finite is stored as 0;
	 * NaN reasons are NULL and read back as NaN */
	assert_null(v[1].product.sku);
	assert_true(v[1].score == 0);
	assert_int_equal(v[1].reason, RECS_POPULAR);
	assert_int_equal(v[1].n_reason_products, 0);
	assert_true(isnan(v[1].reason_value) && isnan(v[1].reason_lift));
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM recommendations WHERE reason_value IS NULL"),
			 1);

	assert_int_equal(recs_recommendations_replace(st, one, 1, "als", 2000, &e), E_OK);
	assert_int_equal(recs_for_customer(st, &ar, 7, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(recs_for_customer(st, &ar, 8, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].reason, RECS_SIMILAR);
	assert_true(v[0].reason_value == 0.25 && isnan(v[0].reason_lift));

	/* two rows with one (customer, rank): nothing changes */
	assert_int_not_equal(recs_recommendations_replace(st, same_rank, 2, "als", 3000, &e), E_OK);
	assert_false(store_in_transaction(st));
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM recommendations"), 1);
	assert_int_equal(test_query_int64(st, "SELECT computed_at FROM recommendations"), 2000);
	arena_release(&ar);
}

static void similar(void **state)
{
	const recs_similar two[] = { { PA, PB, 1, 0.5 }, { PA, PC, 2, 0.25 } };
	const recs_similar same_rank[] = { { PB, PA, 1, 0.5 }, { PB, PC, 1, 0.25 } };
	recs_similar_row *v;
	arena ar;
	size_t n;
	err e;
	(void)state;

	arena_init(&ar, 4096);
	assert_int_equal(recs_similar_replace(st, two, 2, 1000, &e), E_OK);
	assert_int_equal(recs_similar_list(st, &ar, PA, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].rank, 1);
	assert_string_equal(v[0].product.sku, "SKU-B");
	assert_true(v[0].similarity == 0.5);
	assert_string_equal(v[1].product.name, "cheese");
	assert_int_equal(v[1].computed_at, 1000);
	assert_int_equal(recs_similar_list(st, &ar, PA, 1, &v, &n, &e), E_OK);
	assert_int_equal(n, 1);

	assert_int_not_equal(recs_similar_replace(st, same_rank, 2, 2000, &e), E_OK);
	assert_false(store_in_transaction(st));
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM similar_products"), 2);

	assert_int_equal(recs_similar_replace(st, same_rank, 1, 3000, &e), E_OK);
	assert_int_equal(recs_similar_list(st, &ar, PA, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(recs_similar_list(st, &ar, PB, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].product.id, PA);
	arena_release(&ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(recommendations),
		cmocka_unit_test(similar),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
