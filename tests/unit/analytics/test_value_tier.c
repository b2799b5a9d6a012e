/* test_value_tier.c: Pareto tiers on hand-computed profits (boundaries,
 * ties, losses), profit from margins and returns, and the parameters. */
#include "testutil.h"
#include "analytics/value_tier.h"

#define DAY 86400

static void assign(const int64_t *profit, size_t n, double key, double normal, uint8_t *tier,
		   value_tier_summary *s)
{
	value_tier_params p = { key, normal };
	value_tier_assign(profit, NULL, n, &p, tier, s);
}

static void the_customer_crossing_the_share_is_in(void **state)
{
	int64_t p1[3] = { 20, 50, 30 };
	int64_t p2[4] = { 5, 60, 10, 25 };
	uint8_t t[4];
	value_tier_summary s;
	(void)state;

	/* 50 + 30 reach 80 % exactly: both key; 20 starts at 80 %: normal. */
	assign(p1, 3, 0.80, 0.15, t, &s);
	const uint8_t w1[3] = { VALUE_TIER_NORMAL, VALUE_TIER_KEY, VALUE_TIER_KEY };
	assert_memory_equal(t, w1, 3);
	assert_int_equal(s.key_min_profit, 30);
	assert_int_equal(s.normal_min_profit, 20);

	/* 60 (0 before), 25 (60 before) key; 10 (85 before) normal; 5 starts
	 * at 95 %, not below it: small. */
	assign(p2, 4, 0.80, 0.15, t, &s);
	const uint8_t w2[4] = { VALUE_TIER_SMALL, VALUE_TIER_KEY, VALUE_TIER_NORMAL,
				VALUE_TIER_KEY };
	assert_memory_equal(t, w2, 4);
	assert_int_equal(s.customers[VALUE_TIER_KEY], 2);
	assert_int_equal(s.profit[VALUE_TIER_KEY], 85);
	assert_int_equal(s.profit[VALUE_TIER_NORMAL], 10);
	assert_int_equal(s.profit[VALUE_TIER_SMALL], 5);
	assert_int_equal(s.total_profit, 100);
	assert_int_equal(s.customers[VALUE_TIER_NONE], 0);
}

static void ties_share_the_higher_tier(void **state)
{
	int64_t p[4] = { 25, 50, 25, 25 };
	uint8_t t[4];
	value_tier_summary s;
	(void)state;

	/* P = 125, key share 0.5 = 62.5: 50 (0 before) and the first 25 (50
	 * before) are key, so every 25 is key although 75 and 100 come before
	 * the others. */
	assign(p, 4, 0.5, 0.3, t, &s);
	for (int i = 0; i < 4; i++)
		assert_int_equal(t[i], VALUE_TIER_KEY);
	assert_int_equal(s.customers[VALUE_TIER_KEY], 4);
}

static void losses_and_zero_are_small_and_none_is_none(void **state)
{
	int64_t p[5] = { -10, 0, 100, 40, 7 };
	uint8_t has[5] = { 1, 1, 1, 1, 0 };
	value_tier_params par = { 0.80, 0.15 };
	value_tier_summary s;
	uint8_t t[5];
	(void)state;

	/* P = 140 (positive profits of customers with orders): 100 key (0
	 * before < 112); 40 (100 before) key too. */
	value_tier_assign(p, has, 5, &par, t, &s);
	const uint8_t w[5] = { VALUE_TIER_SMALL, VALUE_TIER_SMALL, VALUE_TIER_KEY, VALUE_TIER_KEY,
			       VALUE_TIER_NONE };
	assert_memory_equal(t, w, 5);
	assert_int_equal(s.positive_profit, 140);
	assert_int_equal(s.total_profit, 130);
	assert_int_equal(s.profit[VALUE_TIER_SMALL], -10);
	assert_int_equal(s.customers[VALUE_TIER_NONE], 1);

	/* Nothing positive: everyone with orders is small. */
	int64_t q[2] = { -1, 0 };
	value_tier_assign(q, NULL, 2, &par, t, NULL);
	assert_int_equal(t[0], VALUE_TIER_SMALL);
	assert_int_equal(t[1], VALUE_TIER_SMALL);
	assert_string_equal(value_tier_name(VALUE_TIER_NORMAL), "normal");
}

static void profit_from_margins_and_returns(void **state)
{
	snapshot_builder *b = snapshot_builder_new();
	snapshot_options o;
	snapshot s;
	int64_t profit[4];
	uint8_t has[4];
	err e;
	(void)state;

	for (int c = 1; c <= 4; c++)
		assert_int_equal(snapshot_add_customer(b, c, 0, &e), E_OK);
	/* 1: margins 400 + 250 (no cost: half of 500) on 1500 of sales;
	 *    a 300 return takes 300 * 650 / 1500 = 130: profit 520. The
	 *    return after the as-of day does not count. */
	snapshot_add_order(b, 1, 10 * DAY, 1000, 600, true, 1);
	snapshot_add_order(b, 1, 12 * DAY, 500, 0, false, 1);
	snapshot_add_return(b, 1, 13 * DAY, 300);
	snapshot_add_return(b, 1, 30 * DAY, 999);
	/* 2: a return but no order: no tier (profit -100, unused). */
	snapshot_add_return(b, 2, 13 * DAY, 100);
	/* 3: a free order that cost 100: profit -100. */
	snapshot_add_order(b, 3, 11 * DAY, 0, 100, true, 1);
	/* 4: margin 100 of 300, fully returned: profit 0 (rounding towards 0). */
	snapshot_add_order(b, 4, 11 * DAY, 300, 200, true, 1);
	snapshot_add_return(b, 4, 14 * DAY, 300);
	snapshot_options_default(&o);
	o.margin_ratio = 0.5;
	snapshot_builder_finish(b, &o, &s);

	value_tier_profit(&s, 20, 2, profit, has);
	const int64_t want[4] = { 520, -100, -100, 0 };
	const uint8_t want_has[4] = { 1, 0, 1, 1 };
	assert_memory_equal(profit, want, sizeof(want));
	assert_memory_equal(has, want_has, 4);
	snapshot_release(&s);
}

static void params_from_config_and_checks(void **state)
{
	config *cfg = NULL;
	value_tier_params p;
	err e;
	(void)state;

	value_tier_params_default(&p, NULL);
	assert_true(p.key_share == 0.80 && p.normal_share == 0.15);
	assert_int_equal(config_load(NULL, &cfg, &e), E_OK);
	config_set(cfg, "analytics", "key_share", "0.7");
	config_set(cfg, "analytics", "normal_share", "0.2");
	value_tier_params_default(&p, cfg);
	assert_true(p.key_share == 0.7 && p.normal_share == 0.2);
	assert_int_equal(value_tier_params_check(&p, &e), E_OK);
	config_set(cfg, "analytics", "normal_share", "0.4");
	value_tier_params_default(&p, cfg);
	assert_int_equal(value_tier_params_check(&p, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "normal_share"));
	p.key_share = -0.1;
	p.normal_share = 0.1;
	assert_int_equal(value_tier_params_check(&p, &e), E_INVAL);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_customer_crossing_the_share_is_in),
		cmocka_unit_test(ties_share_the_higher_tier),
		cmocka_unit_test(losses_and_zero_are_small_and_none_is_none),
		cmocka_unit_test(profit_from_margins_and_returns),
		cmocka_unit_test(params_from_config_and_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
