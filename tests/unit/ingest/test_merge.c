/* test_merge.c: merge and unmerge round trip; duplicate candidates. */
#include "testutil.h"
#include "domain/customer.h"
#include "domain/interaction.h"
#include "domain/order.h"
#include "domain/stats.h"
#include "ingest/duplicates.h"
#include "ingest/merge.h"

static store *st;
static err e;

static int setup(void **state)
{
	(void)state;
	st = test_open_store("merge.db");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static int64_t add_customer(const char *ext, const char *name, const char *email,
			    const char *phone, const char *postcode, const char *city)
{
	customer c;
	customer_init(&c);
	c.external_id = ext;
	c.name = name;
	c.email = email;
	c.phone = phone;
	c.postcode = postcode;
	c.city = city;
	assert_int_equal(customer_insert(st, &c, &e), E_OK);
	return c.id;
}

static void add_order(const char *ext, int64_t customer_id)
{
	order o = { .external_id = ext, .customer_id = customer_id, .placed_at = 1700000000,
		    .currency = "GBP", .total = 1000 };
	assert_int_equal(order_insert(st, &o, &e), E_OK);
}

static int64_t owner(const char *sql)
{
	int64_t v = -1;
	assert_int_equal(store_query_int64(st, sql, &v, &e, 0), E_OK);
	return v;
}

static void merge_and_unmerge_round_trip(void **state)
{
	int64_t keep = add_customer("K1", "Ann Lee", "ann@example.com", NULL, NULL, NULL);
	int64_t other = add_customer("O1", "Ann  Lee", NULL, "+447700900123", "LS1 4AP", "Leeds");
	int64_t id;
	arena a;
	customer c;
	(void)state;
	add_order("ORD-K", keep);
	add_order("ORD-O1", other);
	add_order("ORD-O2", other);
	interaction it = { .customer_id = other, .channel = "phone", .occurred_at = 1700000500 };
	assert_int_equal(interaction_save(st, &it, NULL, &e), E_OK);

	assert_int_equal(customer_merge(st, keep, other, "test", &id, &e), E_OK);
	assert_true(id > 0);
	assert_int_equal(owner("SELECT COUNT(*) FROM orders WHERE customer_id = 1"), 3);
	assert_int_equal(owner("SELECT customer_id FROM interactions"), keep);
	arena_init(&a, 0);
	assert_int_equal(customer_load(st, keep, &a, &c, &e), E_OK);
	assert_string_equal(c.phone, "+447700900123"); /* filled from the other */
	assert_string_equal(c.city, "Leeds");
	assert_string_equal(c.email, "ann@example.com");
	/* The other's keys now find the kept customer. */
	assert_int_equal(customer_find(st, CUSTOMER_BY_EXTERNAL_ID, "O1", &id, &e), E_OK);
	assert_int_equal(id, keep);
	shop_stats s;
	assert_int_equal(shop_stats_load(st, &s, &e), E_OK);
	assert_int_equal(s.customers, 1);
	assert_int_equal(s.merged, 1);

	/* Merging again, into itself, or a missing customer is refused. */
	assert_int_equal(customer_merge(st, keep, other, NULL, NULL, &e), E_CONFLICT);
	assert_int_equal(customer_merge(st, keep, keep, NULL, NULL, &e), E_CONFLICT);
	assert_int_equal(customer_merge(st, keep, 999, NULL, NULL, &e), E_NOTFOUND);

	/* An edit after the merge survives the unmerge. */
	c.city = "York";
	assert_int_equal(customer_update(st, &c, &e), E_OK);
	assert_int_equal(customer_unmerge(st, other, &e), E_OK);
	assert_int_equal(owner("SELECT COUNT(*) FROM orders WHERE customer_id = 2"), 2);
	assert_int_equal(owner("SELECT customer_id FROM orders WHERE external_id = 'ORD-K'"), keep);
	assert_int_equal(owner("SELECT customer_id FROM interactions"), other);
	assert_int_equal(customer_load(st, keep, &a, &c, &e), E_OK);
	assert_null(c.phone);
	assert_string_equal(c.city, "York");
	assert_int_equal(customer_load(st, other, &a, &c, &e), E_OK);
	assert_int_equal(c.merged_into, 0);
	assert_int_equal(customer_unmerge(st, other, &e), E_NOTFOUND);
	arena_release(&a);
}

static void duplicates_are_found_by_postcode_and_phone(void **state)
{
	duplicate_pair *p;
	size_t n;
	(void)state;
	int64_t a = add_customer("D1", "Jonathan Smith", NULL, NULL, "SW1A 1AA", NULL);
	int64_t b = add_customer("D2", "Jonathon Smith", NULL, NULL, "sw1a1aa", NULL);
	add_customer("D3", "Mary Jones", NULL, NULL, "SW1A 1AA", NULL);
	int64_t c = add_customer("D4", "张伟", NULL, "+8613800138000", NULL, NULL);
	int64_t d = add_customer("D5", "张 伟", NULL, "+8613800138000", NULL, NULL);
	add_customer("D6", "Peter Pan", NULL, NULL, "ZZ1 1ZZ", NULL);
	assert_int_equal(duplicates_find(st, 0.8, 10, &p, &n, &e), E_OK);
	assert_int_equal(n, 2);
	bool found_ab = false, found_cd = false;
	for (size_t i = 0; i < n; i++) {
		found_ab |= p[i].a == a && p[i].b == b && p[i].same_postcode;
		found_cd |= p[i].a == c && p[i].b == d && p[i].same_phone;
		assert_true(p[i].score >= 0.8 && p[i].score <= 1.0);
	}
	assert_true(found_ab && found_cd);
	free(p);
	assert_true(name_similarity("Martha", "Marhta") > 0.96);
	assert_true(name_similarity("Martha", "Marhta") < 0.97);
	assert_true(name_similarity("abc", "xyz") == 0.0);
	assert_true(name_similarity("张伟", "张伟") == 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_and_unmerge_round_trip),
		cmocka_unit_test(duplicates_are_found_by_postcode_and_phone),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
