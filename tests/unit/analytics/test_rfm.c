/* test_rfm.c: RFM values, quintile scores with ties, the segment grid and
 * the whole computation on hand-computed customers. */
#include "testutil.h"
#include "analytics/rfm.h"

#define DAY 86400

static void quintiles_of_distinct_values(void **state)
{
	int64_t v[10] = { 7, 3, 9, 1, 10, 2, 5, 4, 6, 8 };
	uint8_t s[10];
	(void)state;

	/* Value x sits at sorted position x - 1: 1 and 2 score 1, 3 and 4
	 * score 2, ... 9 and 10 score 5. */
	const uint8_t want[10] = { 4, 2, 5, 1, 5, 1, 3, 2, 3, 4 };
	rfm_quintiles(v, NULL, 10, 1, s);
	assert_memory_equal(s, want, 10);
}

static void ties_take_the_score_of_their_first_rank(void **state)
{
	int64_t v[5] = { 40, 20, 10, 30, 20 };
	int64_t freq[10] = { 1, 1, 2, 1, 5, 1, 1, 3, 2, 1 };
	int64_t same[4] = { 3, 3, 3, 3 };
	uint8_t s[10];
	(void)state;

	/* Sorted: 10 20 20 30 40; both 20s are at first rank 1: 1 + 5/5 = 2. */
	rfm_quintiles(v, NULL, 5, 1, s);
	assert_int_equal(s[0], 5);
	assert_int_equal(s[1], 2);
	assert_int_equal(s[2], 1);
	assert_int_equal(s[3], 4);
	assert_int_equal(s[4], 2);

	/* Six one-order customers all get 1; 2 orders start at rank 6
	 * (1 + 30/10 = 4); 3 at rank 8 and 5 at rank 9 both get 5. */
	rfm_quintiles(freq, NULL, 10, 2, s);
	const uint8_t want[10] = { 1, 1, 4, 1, 5, 1, 1, 5, 4, 1 };
	assert_memory_equal(s, want, 10);

	rfm_quintiles(same, NULL, 4, 1, s);
	for (int i = 0; i < 4; i++)
		assert_int_equal(s[i], 1);
}

static void excluded_values_are_not_ranked(void **state)
{
	int64_t v[6] = { 100, 1, 2, 3, 4, 5 };
	uint8_t inc[6] = { 0, 1, 1, 1, 1, 1 };
	uint8_t s[6];
	(void)state;

	/* Without the 100 the five remaining values get 1..5. */
	rfm_quintiles(v, inc, 6, 1, s);
	const uint8_t want[6] = { 0, 1, 2, 3, 4, 5 };
	assert_memory_equal(s, want, 6);
}

static void segment_grid(void **state)
{
	static const struct {
		int r, f, m;
		rfm_segment want;
	} cases[] = {
		{ 5, 5, 5, RFM_CHAMPIONS },   { 5, 4, 3, RFM_CHAMPIONS }, /* FM = 4 */
		{ 5, 1, 1, RFM_NEW },         { 5, 2, 3, RFM_POTENTIAL_LOYALIST },
		{ 4, 1, 1, RFM_PROMISING },   { 4, 1, 2, RFM_POTENTIAL_LOYALIST }, /* FM 1.5 -> 2 */
		{ 4, 5, 4, RFM_LOYAL },       { 3, 4, 5, RFM_LOYAL },
		{ 3, 3, 3, RFM_NEED_ATTENTION }, { 3, 1, 2, RFM_ABOUT_TO_SLEEP },
		{ 3, 1, 1, RFM_ABOUT_TO_SLEEP }, { 2, 3, 4, RFM_AT_RISK },
		{ 1, 3, 3, RFM_AT_RISK },     { 1, 5, 5, RFM_CANT_LOSE },
		{ 2, 5, 4, RFM_CANT_LOSE },   { 2, 1, 1, RFM_HIBERNATING },
		{ 1, 1, 2, RFM_HIBERNATING }, { 1, 1, 1, RFM_LOST },
		{ 0, 3, 3, RFM_NONE },        { 3, 6, 3, RFM_NONE },
	};
	int seen[RFM__COUNT] = { 0 };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rfm_segment got = rfm_segment_of(cases[i].r, cases[i].f, cases[i].m);
		if (got != cases[i].want)
			fail_msg("R%d F%d M%d: got %s, want %s", cases[i].r, cases[i].f, cases[i].m,
				 rfm_segment_name(got), rfm_segment_name(cases[i].want));
	}
	/* Every score combination has a segment, and all 11 are used. */
	for (int r = 1; r <= 5; r++)
		for (int f = 1; f <= 5; f++)
			for (int m = 1; m <= 5; m++)
				seen[rfm_segment_of(r, f, m)]++;
	assert_int_equal(seen[RFM_NONE], 0);
	for (int g = 1; g < RFM__COUNT; g++)
		assert_true(seen[g] > 0);
	assert_string_equal(rfm_segment_name(RFM_CANT_LOSE), "cant_lose");
	assert_string_equal(rfm_segment_label(RFM_CANT_LOSE), "Can't Lose Them");
	assert_string_equal(rfm_segment_name((rfm_segment)99), "none");
}

/* Five customers as of day 1000 (see the expectations below). */
static void build(snapshot *s)
{
	snapshot_builder *b = snapshot_builder_new();
	err e;

	for (int c = 1; c <= 5; c++)
		assert_int_equal(snapshot_add_customer(b, c, 0, &e), E_OK);
	snapshot_add_order(b, 1, 990 * DAY, 100, 0, true, 1);
	snapshot_add_order(b, 1, 999 * DAY + 86399, 300, 0, true, 1);
	snapshot_add_order(b, 1, 995 * DAY, 200, 0, true, 1);
	snapshot_add_return(b, 1, 996 * DAY, 50);
	snapshot_add_order(b, 2, 900 * DAY, 1000, 0, true, 1);
	snapshot_add_return(b, 2, 1000 * DAY, 1000); /* on the as-of day: too late */
	snapshot_add_order(b, 3, 950 * DAY, 50, 0, true, 1);
	snapshot_add_order(b, 3, 980 * DAY, 50, 0, true, 1);
	snapshot_add_order(b, 3, 1005 * DAY, 5000, 0, true, 1); /* after as_of */
	/* customer 4 never ordered */
	snapshot_add_order(b, 5, 999 * DAY, 500, 0, true, 1);
	snapshot_add_return(b, 5, 999 * DAY, 600);
	snapshot_builder_finish(b, NULL, s);
}

static void computes_values_scores_and_segments(void **state)
{
	snapshot s;
	(void)state;

	build(&s);
	for (int threads = 1; threads <= 3; threads += 2) {
		rfm_result r;
		rfm_compute(&s, 1000, threads, &r);
		assert_int_equal(r.n, 5);
		assert_int_equal(r.n_scored, 4);
		const int32_t rec[5] = { 1, 100, 20, -1, 1 };
		const int32_t freq[5] = { 3, 1, 2, 0, 1 };
		const int64_t mon[5] = { 550, 1000, 100, 0, -100 };
		assert_memory_equal(r.recency, rec, sizeof(rec));
		assert_memory_equal(r.frequency, freq, sizeof(freq));
		assert_memory_equal(r.monetary, mon, sizeof(mon));
		/* R on -recency: -100 (p0), -20 (p1), -1 -1 (p2): 1, 2, 3.
		 * F: 1 1 2 3 -> 1, 3 (p2), 4 (p3). M: -100 100 550 1000 -> 1..4. */
		const uint8_t rs[5] = { 3, 1, 2, 0, 3 };
		const uint8_t fs[5] = { 4, 1, 3, 0, 1 };
		const uint8_t ms[5] = { 3, 4, 2, 0, 1 };
		assert_memory_equal(r.r, rs, 5);
		assert_memory_equal(r.f, fs, 5);
		assert_memory_equal(r.m, ms, 5);
		/* R3 FM4: loyal; R1 FM3: at risk; R2 FM3: at risk; R3 FM1. */
		const uint8_t seg[5] = { RFM_LOYAL, RFM_AT_RISK, RFM_AT_RISK, RFM_NONE,
					 RFM_ABOUT_TO_SLEEP };
		assert_memory_equal(r.segment, seg, 5);

		rfm_summary sum;
		rfm_summarize(&r, &sum);
		assert_int_equal(sum.customers[RFM_AT_RISK], 2);
		assert_int_equal(sum.monetary[RFM_AT_RISK], 1100);
		assert_int_equal(sum.orders[RFM_AT_RISK], 3);
		assert_int_equal(sum.customers[RFM_NONE], 1);
		rfm_result_release(&r);
	}
	snapshot_release(&s);
}

static void earlier_as_of_ignores_later_orders(void **state)
{
	snapshot s;
	rfm_result r;
	(void)state;

	build(&s);
	/* As of day 991 only customer 1's first order and 2's and 3's count. */
	rfm_compute(&s, 991, 1, &r);
	assert_int_equal(r.n_scored, 3);
	assert_int_equal(r.frequency[0], 1);
	assert_int_equal(r.recency[0], 1);
	assert_int_equal(r.monetary[0], 100);
	assert_int_equal(r.frequency[2], 2);
	assert_int_equal(r.frequency[4], 0);
	assert_int_equal(r.segment[4], RFM_NONE);
	rfm_result_release(&r);
	snapshot_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quintiles_of_distinct_values),
		cmocka_unit_test(ties_take_the_score_of_their_first_rank),
		cmocka_unit_test(excluded_values_are_not_ranked),
		cmocka_unit_test(segment_grid),
		cmocka_unit_test(computes_values_scores_and_segments),
		cmocka_unit_test(earlier_as_of_ignores_later_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
