/* test_fpgrowth.c: FP-growth against the textbook example, exhaustive
 * counting on random baskets, the support threshold's rounding, max-len,
 * edge cases, and the published itemset counts of Groceries and retail. */
#include "testutil.h"
#include "analytics/fpgrowth.h"
#include "ingest/baskets.h"

static const fpgrowth_strategy strategies[] = { FPGROWTH_AUTO, FPGROWTH_TREE, FPGROWTH_BASKETS };

/* The count of the itemset `items` (ascending) in `s`, or -1 when absent. */
static long find_count(const fpgrowth_itemsets *s, const uint32_t *items, uint32_t n)
{
	for (size_t i = 0; i < s->n; i++) {
		uint32_t len;
		const uint32_t *v = fpgrowth_itemset(s, i, &len);
		if (len == n && memcmp(v, items, n * sizeof(uint32_t)) == 0)
			return s->counts[i];
	}
	return -1;
}

static void mine_ok(const fpgrowth_baskets *b, const fpgrowth_params *p, fpgrowth_itemsets *s)
{
	err e;

	err_clear(&e);
	if (fpgrowth_mine(b, p, s, &e))
		fail_msg("fpgrowth_mine: %s", e.msg);
}

/* Han, Kamber and Pei, Data Mining: Concepts and Techniques (3rd ed.),
 * Table 6.1: nine transactions over I1 .. I5, here ids 0 .. 4. */
static const size_t hk_offsets[] = { 0, 3, 5, 7, 10, 12, 14, 16, 20, 23 };
static const uint32_t hk_items[] = { 0, 1, 4, 1, 3, 1, 2, 0, 1, 3, 0, 2,
				     1, 2, 0, 2, 0, 1, 2, 4, 0, 1, 2 };
static const fpgrowth_baskets hk = { 9, 5, hk_offsets, hk_items };

/* The book's frequent itemsets at a minimum support count of 2 (Figure 6.2
 * and Table 6.2). */
static const struct {
	uint32_t n, items[3], count;
} hk_expected[] = {
	{ 1, { 0 }, 6 },       { 1, { 1 }, 7 },	   { 1, { 2 }, 6 },    { 1, { 3 }, 2 },
	{ 1, { 4 }, 2 },       { 2, { 0, 1 }, 4 }, { 2, { 0, 2 }, 4 }, { 2, { 0, 4 }, 2 },
	{ 2, { 1, 2 }, 4 },    { 2, { 1, 3 }, 2 }, { 2, { 1, 4 }, 2 }, { 3, { 0, 1, 2 }, 2 },
	{ 3, { 0, 1, 4 }, 2 },
};

static void textbook_example(void **state)
{
	(void)state;
	for (size_t st = 0; st < ARRAY_SIZE(strategies); st++) {
		fpgrowth_params p = { .min_count = 2, .strategy = strategies[st] };
		fpgrowth_itemsets s;
		size_t by[4];

		mine_ok(&hk, &p, &s);
		assert_int_equal(s.n, ARRAY_SIZE(hk_expected));
		for (size_t i = 0; i < ARRAY_SIZE(hk_expected); i++)
			assert_int_equal(find_count(&s, hk_expected[i].items, hk_expected[i].n),
					 hk_expected[i].count);
		assert_int_equal(s.max_len, 3);
		fpgrowth_count_by_size(&s, by, 3);
		assert_int_equal(by[0], 0);
		assert_int_equal(by[1], 5);
		assert_int_equal(by[2], 6);
		assert_int_equal(by[3], 2);
		fpgrowth_itemsets_release(&s);

		/* Support 3: I4 and I5 drop out, and every pair with them. */
		p.min_count = 3;
		mine_ok(&hk, &p, &s);
		assert_int_equal(s.n, 6);
		assert_int_equal(find_count(&s, (const uint32_t[]){ 1, 2 }, 2), 4);
		assert_int_equal(find_count(&s, (const uint32_t[]){ 0, 1, 2 }, 3), -1);
		fpgrowth_itemsets_release(&s);
	}
}

static void max_len_cuts_longer_itemsets(void **state)
{
	(void)state;
	for (size_t st = 0; st < ARRAY_SIZE(strategies); st++) {
		fpgrowth_params p = { .min_count = 2, .max_len = 2, .strategy = strategies[st] };
		fpgrowth_itemsets s;

		mine_ok(&hk, &p, &s);
		assert_int_equal(s.n, 11);
		assert_int_equal(s.max_len, 2);
		fpgrowth_itemsets_release(&s);
		p.max_len = 1;
		mine_ok(&hk, &p, &s);
		assert_int_equal(s.n, 5);
		fpgrowth_itemsets_release(&s);
	}
}

/* ceil(support * baskets), with the double's rounding error forgiven. */
static void support_threshold_rounding(void **state)
{
	(void)state;
	assert_int_equal(fpgrowth_min_count(0.001, 9835), 10);	 /* 9.835 */
	assert_int_equal(fpgrowth_min_count(0.01, 88162), 882);	 /* 881.62 */
	assert_int_equal(fpgrowth_min_count(0.005, 88162), 441); /* 440.81 */
	assert_int_equal(fpgrowth_min_count(0.001, 88162), 89);	 /* 88.162 */
	assert_int_equal(fpgrowth_min_count(0.2, 8124), 1625);	 /* 1624.8 */
	/* Exact products whose doubles land just above the integer. */
	assert_true(0.07 * 100 > 7.0); /* 7.000000000000001 */
	assert_int_equal(fpgrowth_min_count(0.07, 100), 7);
	assert_true(0.56 * 100 > 56.0);
	assert_int_equal(fpgrowth_min_count(0.56, 100), 56);
	assert_true(0.57 * 100 < 57.0); /* and just below: 56.99999999999999 */
	assert_int_equal(fpgrowth_min_count(0.57, 100), 57);
	assert_int_equal(fpgrowth_min_count(0.5, 10), 5);
	assert_int_equal(fpgrowth_min_count(0.01, 100), 1);
	assert_int_equal(fpgrowth_min_count(1.0, 7), 7);
	/* Just above an integer for real: 0.50001 * 10 = 5.0001 needs 6. */
	assert_int_equal(fpgrowth_min_count(0.50001, 10), 6);
	/* A real half basket far out: 0.5 * 4,000,000,001 = 2,000,000,000.5. */
	assert_int_equal(fpgrowth_min_count(0.5, 4000000001u), 2000000001u);
	/* Zero or no baskets still need one occurrence. */
	assert_int_equal(fpgrowth_min_count(0, 100), 1);
	assert_int_equal(fpgrowth_min_count(0.5, 0), 1);
}

static void edge_cases(void **state)
{
	static const size_t off0[] = { 0 };
	static const size_t off_empty[] = { 0, 0, 0 };
	/* Three identical baskets with a repeated item: a single-path tree. */
	static const size_t off_same[] = { 0, 4, 8, 11 };
	static const uint32_t same[] = { 2, 0, 1, 0, 0, 1, 2, 2, 1, 2, 0 };
	static const size_t off_bad[] = { 0, 2 };
	static const uint32_t bad[] = { 0, 5 };
	fpgrowth_params p = { .min_count = 1 };
	fpgrowth_itemsets s;
	err e;
	(void)state;

	fpgrowth_baskets none = { 0, 0, off0, NULL };
	mine_ok(&none, &p, &s);
	assert_int_equal(s.n, 0);
	fpgrowth_itemsets_release(&s);

	fpgrowth_baskets empty = { 2, 3, off_empty, NULL };
	mine_ok(&empty, &p, &s);
	assert_int_equal(s.n, 0);
	fpgrowth_itemsets_release(&s);

	for (size_t st = 0; st < ARRAY_SIZE(strategies); st++) {
		fpgrowth_baskets b = { 3, 3, off_same, same };
		p.strategy = strategies[st];
		p.min_count = 3;
		mine_ok(&b, &p, &s);
		assert_int_equal(s.n, 7); /* every non-empty subset of {0, 1, 2} */
		for (size_t i = 0; i < s.n; i++)
			assert_int_equal(s.counts[i], 3);
		assert_int_equal(find_count(&s, (const uint32_t[]){ 0, 1, 2 }, 3), 3);
		fpgrowth_itemsets_release(&s);
		p.min_count = 4;
		mine_ok(&b, &p, &s);
		assert_int_equal(s.n, 0);
		fpgrowth_itemsets_release(&s);
	}

	fpgrowth_baskets b = { 1, 3, off_bad, bad };
	p.min_count = 1;
	err_clear(&e);
	assert_int_equal(fpgrowth_mine(&b, &p, &s, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "out of range"));
	fpgrowth_itemsets_release(&s);

	p.max_itemsets = 10;
	err_clear(&e);
	assert_int_equal(fpgrowth_mine(&hk, &p, &s, &e), E_TOOBIG);
	fpgrowth_itemsets_release(&s);
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t next_rand(uint64_t *x)
{
	*x = *x * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*x >> 33);
}

/* Random baskets over up to 12 items, mined at several supports and
 * lengths, against counting every one of the 4,095 subsets by brute force. */
static void matches_exhaustive_count(void **state)
{
	uint64_t seed = 42;
	(void)state;

	for (int round = 0; round < 60; round++) {
		uint32_t n_items = 3 + next_rand(&seed) % 10, n_baskets = 1 + next_rand(&seed) % 60;
		size_t *off = test_malloc((n_baskets + 1) * sizeof(size_t));
		uint32_t *items = test_malloc(n_baskets * 16 * sizeof(uint32_t));
		uint32_t *mask = test_malloc(n_baskets * sizeof(uint32_t));
		uint32_t dense = 20 + next_rand(&seed) % 60; /* percent per item */

		off[0] = 0;
		for (uint32_t t = 0; t < n_baskets; t++) {
			size_t at = off[t];
			mask[t] = 0;
			for (uint32_t i = 0; i < n_items; i++) {
				if (next_rand(&seed) % 100 < dense) {
					items[at++] = i;
					mask[t] |= 1u << i;
				}
			}
			if (at > off[t] && next_rand(&seed) % 4 == 0)
				items[at++] = items[off[t]]; /* a repeat counts once */
			off[t + 1] = at;
		}
		fpgrowth_baskets b = { n_baskets, n_items, off, items };
		for (uint32_t minc = 1; minc <= 4; minc++) {
			for (uint32_t maxl = 0; maxl <= 3; maxl += 3) {
				size_t want = 0;
				for (uint32_t set = 1; set < (1u << n_items); set++) {
					uint32_t c = 0;
					for (uint32_t t = 0; t < n_baskets; t++)
						c += (mask[t] & set) == set;
					want += c >= minc && (!maxl || (uint32_t)__builtin_popcount(
									       set) <= maxl);
				}
				for (size_t st = 0; st < ARRAY_SIZE(strategies); st++) {
					fpgrowth_params p = { minc, maxl, 0, strategies[st] };
					fpgrowth_itemsets s;
					mine_ok(&b, &p, &s);
					assert_int_equal(s.n, want);
					for (size_t i = 0; i < s.n; i++) {
						uint32_t len, set = 0, c = 0;
						const uint32_t *v = fpgrowth_itemset(&s, i, &len);
						for (uint32_t j = 0; j < len; j++) {
							if (j)
								assert_true(v[j - 1] < v[j]);
							set |= 1u << v[j];
						}
						for (uint32_t t = 0; t < n_baskets; t++)
							c += (mask[t] & set) == set;
						assert_int_equal(s.counts[i], c);
					}
					fpgrowth_itemsets_release(&s);
				}
			}
		}
		test_free(off);
		test_free(items);
		test_free(mask);
	}
}

static size_t count_itemsets(const baskets *bk, double support, fpgrowth_strategy st)
{
	fpgrowth_baskets b = { bk->n_baskets, bk->n_items, bk->offsets, bk->items };
	fpgrowth_params p = { fpgrowth_min_count(support, bk->n_baskets), 0, 0, st };
	fpgrowth_itemsets s;
	size_t n;

	mine_ok(&b, &p, &s);
	n = s.n;
	fpgrowth_itemsets_release(&s);
	return n;
}

static void read_data(const char *rel, baskets *b)
{
	err e;

	err_clear(&e);
	if (baskets_read(test_data(rel), NULL, b, &e))
		fail_msg("%s", e.msg);
}

/* arules' apriori / eclat counts on Groceries (maxlen 10 does not bind). */
static void groceries_published_counts(void **state)
{
	baskets b;
	(void)state;

	read_data("groceries/groceries_baskets.csv", &b);
	for (size_t st = 0; st < ARRAY_SIZE(strategies); st++) {
		assert_int_equal(count_itemsets(&b, 0.01, strategies[st]), 333);
		assert_int_equal(count_itemsets(&b, 0.001, strategies[st]), 13492);
	}
	baskets_release(&b);
}

/* FIMI retail: 159, 580 and 7,589 frequent itemsets at 1 %, 0.5 %, 0.1 %. */
static void retail_published_counts(void **state)
{
	baskets b;
	(void)state;

	read_data("fimi/retail.dat", &b);
	assert_int_equal(count_itemsets(&b, 0.01, FPGROWTH_AUTO), 159);
	assert_int_equal(count_itemsets(&b, 0.005, FPGROWTH_AUTO), 580);
	assert_int_equal(count_itemsets(&b, 0.001, FPGROWTH_TREE), 7589);
	assert_int_equal(count_itemsets(&b, 0.001, FPGROWTH_BASKETS), 7589);
	baskets_release(&b);
}

/* Dense data, both first-level strategies: the same itemsets, same counts. */
static void mushroom_strategies_agree(void **state)
{
	fpgrowth_itemsets a, t;
	baskets bk;
	(void)state;

	read_data("fimi/mushroom.dat", &bk);
	fpgrowth_baskets b = { bk.n_baskets, bk.n_items, bk.offsets, bk.items };
	fpgrowth_params p = { fpgrowth_min_count(0.3, bk.n_baskets), 0, 0, FPGROWTH_TREE };
	mine_ok(&b, &p, &t);
	p.strategy = FPGROWTH_BASKETS;
	mine_ok(&b, &p, &a);
	assert_true(t.n > 1000);
	assert_int_equal(a.n, t.n);
	/* Both emit in the same order (items by rank, depth first). */
	for (size_t i = 0; i < t.n; i++) {
		uint32_t la, lt;
		const uint32_t *va = fpgrowth_itemset(&a, i, &la),
			       *vt = fpgrowth_itemset(&t, i, &lt);
		assert_int_equal(la, lt);
		assert_memory_equal(va, vt, la * sizeof(uint32_t));
		assert_int_equal(a.counts[i], t.counts[i]);
	}
	fpgrowth_itemsets_release(&a);
	fpgrowth_itemsets_release(&t);
	baskets_release(&bk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(textbook_example),
		cmocka_unit_test(max_len_cuts_longer_itemsets),
		cmocka_unit_test(support_threshold_rounding),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(matches_exhaustive_count),
		cmocka_unit_test(groceries_published_counts),
		cmocka_unit_test(retail_published_counts),
		cmocka_unit_test(mushroom_strategies_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
