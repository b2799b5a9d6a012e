/* test_rules.c: association rules: hand-computed support, confidence and
 * lift on the textbook example, the arules conventions (one-item
 * consequents, {} => {y}), multi-item consequents, and the published
 * Groceries rule counts. */
#include "testutil.h"
#include "analytics/fpgrowth.h"
#include "analytics/rules.h"
#include "ingest/baskets.h"

#include <math.h>

/* Han, Kamber and Pei, Table 6.1 (I1 .. I5 as 0 .. 4). */
static const size_t hk_offsets[] = { 0, 3, 5, 7, 10, 12, 14, 16, 20, 23 };
static const uint32_t hk_items[] = { 0, 1, 4, 1, 3, 1, 2, 0, 1, 3, 0, 2,
				     1, 2, 0, 2, 0, 1, 2, 4, 0, 1, 2 };
static const fpgrowth_baskets hk = { 9, 5, hk_offsets, hk_items };

static void mine_hk(fpgrowth_itemsets *s)
{
	fpgrowth_params p = { .min_count = 2 };
	err e;

	err_clear(&e);
	if (fpgrowth_mine(&hk, &p, s, &e))
		fail_msg("%s", e.msg);
}

static void generate(const fpgrowth_itemsets *s, size_t n, const rules_params *p, rules_set *r)
{
	err e;

	err_clear(&e);
	if (rules_generate(s, n, p, r, &e))
		fail_msg("rules_generate: %s", e.msg);
}

/* Items of itemset `set` (ids below 32) as a bit mask; 0 for RULES_EMPTY. */
static uint32_t mask_of(const fpgrowth_itemsets *s, uint32_t set)
{
	uint32_t len, m = 0;
	const uint32_t *v;

	if (set == RULES_EMPTY)
		return 0;
	v = fpgrowth_itemset(s, set, &len);
	for (uint32_t i = 0; i < len; i++)
		m |= 1u << v[i];
	return m;
}

#define B(i) (1u << (i))

/* At confidence 0.7 (checked by hand from Table 6.1, count(I1) = 6,
 * count(I2) = 7, count(I5) = 2 ...), in lift order. */
static const struct {
	uint32_t x, y, len;
	double support, confidence, lift;
} hk_rules[] = {
	{ B(4), B(0), 2, 2.0 / 9, 1.0, 9.0 / 6 },	 /* I5 => I1 */
	{ B(1) | B(4), B(0), 3, 2.0 / 9, 1.0, 9.0 / 6 }, /* I2, I5 => I1 */
	{ B(3), B(1), 2, 2.0 / 9, 1.0, 9.0 / 7 },	 /* I4 => I2 */
	{ B(4), B(1), 2, 2.0 / 9, 1.0, 9.0 / 7 },	 /* I5 => I2 */
	{ B(0) | B(4), B(1), 3, 2.0 / 9, 1.0, 9.0 / 7 }, /* I1, I5 => I2 */
	{ 0, B(1), 1, 7.0 / 9, 7.0 / 9, 1.0 },		 /* {} => I2 */
};

static void textbook_rules_exact(void **state)
{
	rules_params p = { .min_confidence = 0.7 };
	fpgrowth_itemsets s;
	rules_set r;
	size_t by[4];
	(void)state;

	mine_hk(&s);
	generate(&s, 9, &p, &r);
	rules_sort_by_lift(&r, &s);
	assert_int_equal(r.n, ARRAY_SIZE(hk_rules));
	for (size_t i = 0; i < r.n; i++) {
		const rules_rule *x = &r.v[i];
		assert_int_equal(mask_of(&s, x->antecedent), hk_rules[i].x);
		assert_int_equal(mask_of(&s, x->consequent), hk_rules[i].y);
		assert_int_equal(mask_of(&s, x->itemset), hk_rules[i].x | hk_rules[i].y);
		assert_int_equal(x->len, hk_rules[i].len);
		assert_true(fabs(x->support - hk_rules[i].support) < 1e-12);
		assert_true(fabs(x->confidence - hk_rules[i].confidence) < 1e-12);
		assert_true(fabs(x->lift - hk_rules[i].lift) < 1e-12);
	}
	rules_count_by_length(&r, by, 3);
	assert_int_equal(by[1], 1);
	assert_int_equal(by[2], 3);
	assert_int_equal(by[3], 2);
	rules_release(&r);
	fpgrowth_itemsets_release(&s);
}

/* At 0.5 the six rules above, the six pair rules above 0.5 (I1 => I2 at
 * 4/6, I2 => I1 at 4/7 ...), the four triple rules at exactly 2/4 = 0.5, and
 * {} => I1, {} => I3 at 6/9: 18. Without empty antecedents 15. */
static void confidence_threshold_is_inclusive(void **state)
{
	rules_params p = { .min_confidence = 0.5 };
	fpgrowth_itemsets s;
	rules_set r;
	size_t half = 0;
	(void)state;

	mine_hk(&s);
	generate(&s, 9, &p, &r);
	assert_int_equal(r.n, 18);
	for (size_t i = 0; i < r.n; i++)
		half += r.v[i].confidence == 0.5;
	assert_int_equal(half, 4);
	rules_release(&r);

	p.no_empty_antecedent = true;
	generate(&s, 9, &p, &r);
	assert_int_equal(r.n, 15);
	rules_release(&r);

	p.min_len = 3;
	generate(&s, 9, &p, &r);
	assert_int_equal(r.n, 6); /* the three-item itemsets' rules at >= 0.5 */
	rules_release(&r);
	fpgrowth_itemsets_release(&s);
}

/* The book's Example 6.4 splits {I1, I2, I5} every way: at 0.7 the extra
 * rule is I5 => {I1, I2} (2/2; lift 1 / (4/9) = 2.25). */
static void multi_item_consequents(void **state)
{
	rules_params p = { .min_confidence = 0.7, .multi_consequent = true };
	fpgrowth_itemsets s;
	rules_set r;
	(void)state;

	mine_hk(&s);
	generate(&s, 9, &p, &r);
	rules_sort_by_lift(&r, &s);
	assert_int_equal(r.n, ARRAY_SIZE(hk_rules) + 1);
	assert_int_equal(mask_of(&s, r.v[0].antecedent), B(4));
	assert_int_equal(mask_of(&s, r.v[0].consequent), B(0) | B(1));
	assert_true(fabs(r.v[0].lift - 2.25) < 1e-12);
	assert_true(fabs(r.v[0].confidence - 1.0) < 1e-12);
	rules_release(&r);

	/* At 0.3: I1 => {I2, I5} (2/6) passes, I2 => {I1, I5} (2/7) does not. */
	p.min_confidence = 0.3;
	p.no_empty_antecedent = true;
	generate(&s, 9, &p, &r);
	bool seen_a = false, seen_b = false;
	for (size_t i = 0; i < r.n; i++) {
		uint32_t x = mask_of(&s, r.v[i].antecedent), y = mask_of(&s, r.v[i].consequent);
		seen_a |= x == B(0) && y == (B(1) | B(4));
		seen_b |= x == B(1) && y == (B(0) | B(4));
	}
	assert_true(seen_a);
	assert_false(seen_b);
	rules_release(&r);
	fpgrowth_itemsets_release(&s);
}

static void missing_subsets_are_an_error(void **state)
{
	/* {0, 1} without {1}: not what FP-growth returns. */
	size_t off[] = { 0, 1, 3 };
	uint32_t items[] = { 0, 0, 1 }, counts[] = { 5, 3 };
	fpgrowth_itemsets s = {
		.n = 2, .offsets = off, .items = items, .counts = counts, .max_len = 2
	};
	rules_params p = { .min_confidence = 0.1 };
	rules_set r;
	err e;
	(void)state;

	err_clear(&e);
	assert_int_equal(rules_generate(&s, 10, &p, &r, &e), E_INVAL);
	rules_release(&r);
}

static void groceries_rules(const baskets *b, double support, fpgrowth_itemsets *s, rules_set *r)
{
	fpgrowth_baskets fb = { b->n_baskets, b->n_items, b->offsets, b->items };
	fpgrowth_params fp = { fpgrowth_min_count(support, b->n_baskets), 10, 0, 0 };
	rules_params p = { .min_confidence = 0.5 };
	err e;

	err_clear(&e);
	if (fpgrowth_mine(&fb, &fp, s, &e))
		fail_msg("%s", e.msg);
	generate(s, b->n_baskets, &p, r);
	rules_sort_by_lift(r, s);
}

/* arules: apriori(Groceries, parameter = list(support = 0.001, confidence =
 * 0.5)) gives 5,668 rules (lengths 2-6: 11, 1461, 3211, 939, 46); the top
 * rule by lift is {Instant food products, soda} => {hamburger meat},
 * support 0.001220132, confidence 0.6315789, lift 18.99565. At support
 * 0.005: 120 rules. */
static void groceries_published_rules(void **state)
{
	static const size_t by_len[] = { 0, 0, 11, 1461, 3211, 939, 46 };
	fpgrowth_itemsets s;
	rules_set r;
	baskets b;
	size_t by[7];
	uint32_t len;
	const uint32_t *v;
	err e;
	(void)state;

	err_clear(&e);
	if (baskets_read(test_data("groceries/groceries_baskets.csv"), NULL, &b, &e))
		fail_msg("%s", e.msg);
	groceries_rules(&b, 0.001, &s, &r);
	assert_int_equal(r.n, 5668);
	rules_count_by_length(&r, by, 6);
	for (size_t i = 0; i < ARRAY_SIZE(by_len); i++)
		assert_int_equal(by[i], by_len[i]);
	assert_true(fabs(r.v[0].lift - 18.99565) < 5e-5);
	assert_true(fabs(r.v[0].support - 0.001220132) < 5e-10);
	assert_true(fabs(r.v[0].confidence - 0.6315789) < 5e-8);
	v = fpgrowth_itemset(&s, r.v[0].consequent, &len);
	assert_int_equal(len, 1);
	assert_string_equal(b.names[v[0]], "hamburger meat");
	v = fpgrowth_itemset(&s, r.v[0].antecedent, &len);
	assert_int_equal(len, 2);
	assert_true((strcmp(b.names[v[0]], "soda") == 0 &&
		     strcmp(b.names[v[1]], "Instant food products") == 0) ||
		    (strcmp(b.names[v[1]], "soda") == 0 &&
		     strcmp(b.names[v[0]], "Instant food products") == 0));
	for (size_t i = 1; i < r.n; i++)
		assert_true(r.v[i - 1].lift >= r.v[i].lift);
	rules_release(&r);
	fpgrowth_itemsets_release(&s);

	groceries_rules(&b, 0.005, &s, &r);
	assert_int_equal(r.n, 120);
	rules_release(&r);
	fpgrowth_itemsets_release(&s);
	baskets_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(textbook_rules_exact),
		cmocka_unit_test(confidence_threshold_is_inclusive),
		cmocka_unit_test(multi_item_consequents),
		cmocka_unit_test(missing_subsets_are_an_error),
		cmocka_unit_test(groceries_published_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
