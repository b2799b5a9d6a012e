/* test_lifecycle.c: lifecycle rules on hand-made customers as of day 1000
 * with the default parameters, P(alive), and overrides from the config. */
#include "testutil.h"
#include "analytics/lifecycle.h"

#include <math.h>

#define DAY 86400
#define AS_OF 1000

/* Customers: id, then (day, amount) pairs ending with a day of -1. */
static const struct {
	int64_t id;
	int32_t orders[10][2];
	lifecycle_stage want;
	const char *why;
} people[] = {
	{ 1, { { -1 } }, LIFECYCLE_PROSPECT, "no order" },
	{ 2, { { 950, 100 }, { -1 } }, LIFECYCLE_NEW, "one order 50 days ago" },
	{ 3, { { 700, 100 }, { -1 } }, LIFECYCLE_CHURNED, "silent 300 > max(3 x 63.3, 180)" },
	{ 4, { { 815, 100 }, { -1 } }, LIFECYCLE_DECLINING,
	  "silent 185 <= 190 (3 x the median IPT beats 180 days): not churned; its one "
	  "order is in the earlier period" },
	{ 5, { { 100, 10 }, { 200, 10 }, { 300, 10 }, { -1 } }, LIFECYCLE_CHURNED,
	  "IPT 100, silent 700 > 300" },
	{ 6, { { 200, 10 }, { 600, 10 }, { -1 } }, LIFECYCLE_DECLINING,
	  "IPT 400: silent 400 <= 1200, nothing in the last 180 days" },
	{ 7, { { 800, 100 }, { 950, 100 }, { 980, 100 }, { 990, 100 }, { -1 } },
	  LIFECYCLE_GROWING, "W = 100: 300 recent vs 100 earlier per 100 days" },
	{ 8, { { 700, 100 }, { 800, 100 }, { 900, 100 }, { 950, 100 }, { -1 } },
	  LIFECYCLE_MATURE, "W = 150: 200 vs 200 per 150 days" },
	{ 9, { { 600, 300 }, { 700, 300 }, { 950, 100 }, { -1 } }, LIFECYCLE_DECLINING,
	  "W = 180: 100 / 180 vs 600 / 220: ratio 0.2" },
	{ 10, { { 960, 100 }, { 980, 200 }, { -1 } }, LIFECYCLE_GROWING,
	  "two orders: not new; W = 20: 200 vs 100" },
	{ 11, { { 900, 10 }, { 950, 10 }, { -1 } }, LIFECYCLE_CHURNED, "P(alive) 0.05" },
	{ 12, { { 999, 10 }, { 999, 10 }, { -1 } }, LIFECYCLE_GROWING,
	  "two orders yesterday: no room to compare (T = 1)" },
	{ 13, { { 760, 10 }, { 820, 10 }, { -1 } }, LIFECYCLE_DECLINING,
	  "IPT 60: silent exactly max(180, 180) days is not more: not churned" },
};

static void build(snapshot *s)
{
	snapshot_builder *b = snapshot_builder_new();
	err e;

	for (size_t i = 0; i < ARRAY_SIZE(people); i++)
		assert_int_equal(snapshot_add_customer(b, people[i].id, 0, &e), E_OK);
	for (size_t i = 0; i < ARRAY_SIZE(people); i++) {
		for (int k = 0; people[i].orders[k][0] >= 0; k++)
			snapshot_add_order(b, people[i].id, (int64_t)people[i].orders[k][0] * DAY,
					   people[i].orders[k][1], 0, true, 1);
	}
	snapshot_builder_finish(b, NULL, s);
}

static void stages_by_the_rules(void **state)
{
	lifecycle_params p;
	lifecycle_summary sum;
	snapshot s;
	double pa[ARRAY_SIZE(people)];
	uint8_t stage[ARRAY_SIZE(people)];
	(void)state;

	build(&s);
	lifecycle_params_default(&p, NULL);
	/* Only customer 11 has a P(alive), and a low one. */
	for (size_t i = 0; i < ARRAY_SIZE(people); i++)
		pa[i] = people[i].id == 11 ? 0.05 : NAN;
	lifecycle_classify(&s, AS_OF, &p, pa, 2, stage, &sum);
	for (size_t i = 0; i < ARRAY_SIZE(people); i++) {
		if (stage[i] != people[i].want)
			fail_msg("customer %" PRId64 " (%s): got %s, want %s", people[i].id,
				 people[i].why, lifecycle_stage_name((lifecycle_stage)stage[i]),
				 lifecycle_stage_name(people[i].want));
	}
	/* IPTs of repeat customers: 100, 400, 63.333, 83.333, 175, 20, 50, 0,
	 * 60 (kept in thousandths of a day): the median of nine is the 5th
	 * smallest, 63.333 days. */
	assert_true(fabs(sum.median_ipt_days - 63.333) < 1e-9);
	assert_int_equal(sum.customers[LIFECYCLE_CHURNED], 3);
	assert_int_equal(sum.customers[LIFECYCLE_GROWING], 3);
	assert_int_equal(sum.churned_by_p_alive, 1);

	/* Without P(alive), customer 11 is judged by its orders: W = 50:
	 * 10 recent (day 950) vs 10 earlier per 50 days: mature. */
	lifecycle_classify(&s, AS_OF, &p, NULL, 1, stage, &sum);
	assert_int_equal(stage[10], LIFECYCLE_MATURE);
	assert_int_equal(sum.churned_by_p_alive, 0);
	snapshot_release(&s);
}

static void counting_orders_instead_of_spend(void **state)
{
	snapshot_builder *b = snapshot_builder_new();
	lifecycle_params p;
	snapshot s;
	uint8_t stage[1];
	err e;
	(void)state;

	/* One big order then three small ones: spend falls (1000 vs 30 per
	 * 150 days), orders rise (1 vs 3). */
	assert_int_equal(snapshot_add_customer(b, 1, 0, &e), E_OK);
	snapshot_add_order(b, 1, 700 * DAY, 1000, 0, true, 1);
	snapshot_add_order(b, 1, 900 * DAY, 10, 0, true, 1);
	snapshot_add_order(b, 1, 950 * DAY, 10, 0, true, 1);
	snapshot_add_order(b, 1, 990 * DAY, 10, 0, true, 1);
	snapshot_builder_finish(b, NULL, &s);
	lifecycle_params_default(&p, NULL);
	lifecycle_classify(&s, AS_OF, &p, NULL, 1, stage, NULL);
	assert_int_equal(stage[0], LIFECYCLE_DECLINING);
	p.trend_by_orders = 1;
	lifecycle_classify(&s, AS_OF, &p, NULL, 1, stage, NULL);
	assert_int_equal(stage[0], LIFECYCLE_GROWING);
	snapshot_release(&s);
}

static void parameters_come_from_the_config(void **state)
{
	config *cfg = NULL;
	lifecycle_params p;
	lifecycle_summary sum;
	snapshot s;
	uint8_t stage[ARRAY_SIZE(people)];
	err e;
	(void)state;

	assert_int_equal(config_load(NULL, &cfg, &e), E_OK);
	config_set(cfg, "analytics", "lifecycle_new_days", "30");
	config_set(cfg, "analytics", "lifecycle_churn_min_days", "500");
	config_set(cfg, "analytics", "lifecycle_churn_factor", "1.5");
	lifecycle_params_default(&p, cfg);
	assert_int_equal(p.new_days, 30);
	assert_int_equal(p.churn_min_days, 500);
	assert_true(p.churn_factor == 1.5);
	assert_true(p.growth_ratio == 1.25);
	assert_int_equal(lifecycle_params_check(&p, &e), E_OK);

	build(&s);
	lifecycle_classify(&s, AS_OF, &p, NULL, 1, stage, &sum);
	/* 2 ordered 50 days ago: no longer new (declining); 3 is silent 300 <
	 * 500: not churned; 5 (silent 700) still is. */
	assert_int_equal(stage[1], LIFECYCLE_DECLINING);
	assert_int_equal(stage[2], LIFECYCLE_DECLINING);
	assert_int_equal(stage[4], LIFECYCLE_CHURNED);
	snapshot_release(&s);

	config_set(cfg, "analytics", "lifecycle_decline_ratio", "2");
	lifecycle_params_default(&p, cfg);
	assert_int_equal(lifecycle_params_check(&p, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "lifecycle_decline_ratio"));
	config_set(cfg, "analytics", "lifecycle_decline_ratio", "0.5");
	config_set(cfg, "analytics", "lifecycle_churn_p_alive", "1.5");
	lifecycle_params_default(&p, cfg);
	assert_int_equal(lifecycle_params_check(&p, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "lifecycle_churn_p_alive"));
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stages_by_the_rules),
		cmocka_unit_test(counting_orders_instead_of_spend),
		cmocka_unit_test(parameters_come_from_the_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
