/* test_rec_eval.c: precision, recall and NDCG at k on hand-computed lists,
 * the random and last-orders hold-out splits, the popularity and ALS
 * rankers on hand-made models, and an end-to-end evaluation whose figures
 * are worked out by hand. */
#include "testutil.h"
#include "analytics/rec_eval.h"

#include <math.h>

#define TOL 1e-12

static void metrics_by_hand(void **state)
{
	double p, r, n;

	(void)state;
	/* Hits at ranks 2 and 4 of 4, three test items:
	 * precision 2/4, recall 2/3,
	 * DCG = 1/log2 3 + 1/log2 5 = 1.0616063116448506,
	 * IDCG = 1 + 1/log2 3 + 1/log2 4 = 2.1309297535714578,
	 * NDCG = 0.49818925746641285. */
	rec_metrics_user((const uint32_t[]){ 5, 2, 9, 7 }, 4, (const uint32_t[]){ 2, 7, 8 }, 3, &p,
			 &r, &n);
	assert_float_equal(p, 0.5, TOL);
	assert_true(fabs(r - 2.0 / 3.0) < TOL);
	assert_true(fabs(n - 0.49818925746641285) < TOL);

	/* A list padded with REC_NONE: the missing places are misses;
	 * one test item found first: NDCG 1. */
	rec_metrics_user((const uint32_t[]){ 3, REC_NONE, REC_NONE }, 3, (const uint32_t[]){ 3 }, 1,
			 &p, &r, &n);
	assert_true(fabs(p - 1.0 / 3.0) < TOL);
	assert_true(fabs(r - 1) < TOL);
	assert_true(fabs(n - 1) < TOL);

	/* More test items than k: IDCG stops at k. Hit at rank 1 of 2, five
	 * test items: precision 1/2, recall 1/5, NDCG = 1 / (1 + 1/log2 3). */
	rec_metrics_user((const uint32_t[]){ 1, 6 }, 2, (const uint32_t[]){ 1, 2, 3, 4, 5 }, 5, &p,
			 &r, &n);
	assert_true(fabs(p - 0.5) < TOL);
	assert_true(fabs(r - 0.2) < TOL);
	assert_true(fabs(n - 1 / (1 + 1 / log2(3))) < TOL);

	/* No hit. */
	rec_metrics_user((const uint32_t[]){ 1, 6 }, 2, (const uint32_t[]){ 4 }, 1, &p, &r, &n);
	assert_true(p == 0 && r == 0 && n == 0);
}

static void random_split(void **state)
{
	enum { USERS = 12 };
	size_t off[USERS + 1];
	uint32_t cols[200];
	rec_matrix m = { 0 }, tr = { 0 }, te = { 0 }, tr2 = { 0 }, te2 = { 0 }, tr3 = { 0 },
		   te3 = { 0 };
	err e;

	(void)state;
	err_clear(&e);
	/* User u has u + 1 items: u .. 2u. */
	off[0] = 0;
	for (uint32_t u = 0; u < USERS; u++) {
		for (uint32_t j = 0; j <= u; j++)
			cols[off[u] + j] = u + j;
		off[u + 1] = off[u] + u + 1;
	}
	assert_int_equal(rec_matrix_from_rows(USERS, 2 * USERS, off, cols, NULL, &m, &e), E_OK);
	rec_split_random(&m, 0.2, 42, &tr, &te);
	for (uint32_t u = 0; u < USERS; u++) {
		size_t n = u + 1, h = te.indptr[u + 1] - te.indptr[u];
		/* h = floor(0.2 n + 1/2), at most n - 1: 0 0 1 1 1 1 1 2 2 2 2 2 */
		size_t want = (size_t)floor(0.2 * (double)n + 0.5);
		if (want > n - 1)
			want = n - 1;
		assert_int_equal(h, want);
		assert_int_equal(tr.indptr[u + 1] - tr.indptr[u], n - h);
		/* disjoint, and together the user's row */
		for (size_t a = te.indptr[u]; a < te.indptr[u + 1]; a++) {
			assert_true(rec_matrix_has(&m, u, te.indices[a]));
			assert_false(rec_matrix_has(&tr, u, te.indices[a]));
		}
	}
	assert_int_equal(tr.nnz + te.nnz, m.nnz);
	/* The same seed gives the same split; another seed another one. */
	rec_split_random(&m, 0.2, 42, &tr2, &te2);
	assert_memory_equal(te.indices, te2.indices, te.nnz * sizeof(uint32_t));
	rec_split_random(&m, 0.2, 43, &tr3, &te3);
	assert_int_equal(te3.nnz, te.nnz);
	assert_true(memcmp(te.indices, te3.indices, te.nnz * sizeof(uint32_t)) != 0);
	rec_matrix_release(&m);
	rec_matrix_release(&tr);
	rec_matrix_release(&te);
	rec_matrix_release(&tr2);
	rec_matrix_release(&te2);
	rec_matrix_release(&tr3);
	rec_matrix_release(&te3);
}

static void last_orders_split(void **state)
{
	/* user 0: t=1 {0,1}, t=3 {2, 0}, t=2 {1,3}  -> holds out t=3: {2} (0 is old)
	 * user 1: one order                         -> nothing held out
	 * user 2: t=5 {4}, t=5 {4,5} (the tie: the later position is later)
	 *                                           -> holds out {5}
	 * a guest order is ignored. */
	static const uint32_t user[] = { 0, 0, 0, 1, REC_NONE, 2, 2 };
	static const int64_t time[] = { 1, 3, 2, 9, 4, 5, 5 };
	static const size_t off[] = { 0, 2, 4, 6, 7, 9, 10, 12 };
	static const uint32_t items[] = { 0, 1, 2, 0, 1, 3, 1, 0, 5, 4, 4, 5 };
	rec_orders o = { 7, 3, 6, user, time, off, items };
	rec_matrix tr = { 0 }, te = { 0 };
	err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(rec_split_last_orders(&o, 1, REC_COUNTS, &tr, &te, &e), E_OK);
	assert_int_equal(te.indptr[1] - te.indptr[0], 1);
	assert_int_equal(te.indices[te.indptr[0]], 2);
	assert_int_equal(te.indptr[2] - te.indptr[1], 0);
	assert_int_equal(te.indptr[3] - te.indptr[2], 1);
	assert_int_equal(te.indices[te.indptr[2]], 5);
	/* training: user 0 {0: 1, 1: 2, 3: 1} (counts), user 1 {1}, user 2 {4} */
	assert_int_equal(tr.indptr[1], 3);
	assert_float_equal(tr.data[1], 2, 0);
	assert_true(rec_matrix_has(&tr, 1, 1));
	assert_false(rec_matrix_has(&tr, 1, 0)); /* the guest's item */
	assert_int_equal(tr.indptr[3] - tr.indptr[2], 1);
	assert_true(rec_matrix_has(&tr, 2, 4));
	rec_matrix_release(&tr);
	rec_matrix_release(&te);
}

/* 4 users x 5 items; users per item in training: 3, 2, 2, 1, 0. */
static void small(rec_matrix *train, rec_matrix *test)
{
	static const size_t tro[] = { 0, 2, 4, 6, 8 };
	static const uint32_t trc[] = { 0, 1, 0, 2, 0, 3, 1, 2 };
	static const size_t teo[] = { 0, 1, 3, 3, 4 };
	static const uint32_t tec[] = { 2, 1, 4, 4 };
	err e;

	err_clear(&e);
	if (rec_matrix_from_rows(4, 5, tro, trc, NULL, train, &e) ||
	    rec_matrix_from_rows(4, 5, teo, tec, NULL, test, &e))
		fail_msg("%s", e.msg);
}

static void popularity_by_hand(void **state)
{
	rec_matrix tr = { 0 }, te = { 0 };
	rec_ranker r;
	rec_metrics m;
	uint32_t out[3 * 2];
	float sc[3 * 2];
	static const uint32_t users[] = { 0, 1, 3 };

	(void)state;
	small(&tr, &te);
	rec_ranker_popular(&r, &tr, 2);
	/* Popularity: 0 (3), then 1 and 2 (2 each: 1 first), 3 (1), 4 (0).
	 * u0 has {0,1}: 2, 3. u1 has {0,2}: 1, 3. u3 has {1,2}: 0, 3. */
	rec_rank_users(&r, users, 3, 2, 2, out, sc);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], 3);
	assert_float_equal(sc[0], 2, 0);
	assert_int_equal(out[2], 1);
	assert_int_equal(out[3], 3);
	assert_int_equal(out[4], 0);
	assert_int_equal(out[5], 3);
	/* Evaluated: u0 (test {2}), u1 ({1, 4}), u3 ({4}); u2 has no test item.
	 * k = 2: u0 hit at 1 -> p 1/2, r 1, ndcg 1
	 *        u1 hit at 1 -> p 1/2, r 1/2, ndcg 1 / (1 + 1/log2 3)
	 *        u3 no hit   -> 0 0 0 */
	rec_evaluate(&te, 2, &r, 2, &m);
	assert_int_equal(m.users, 3);
	assert_true(fabs(m.precision - 1.0 / 3.0) < TOL);
	assert_true(fabs(m.recall - 0.5) < TOL);
	assert_true(fabs(m.ndcg - (1 + 1 / (1 + 1 / log2(3))) / 3) < TOL);
	assert_true(fabs(m.hit_rate - 2.0 / 3.0) < TOL);
	/* Past the catalogue: u0 can get 3 items, then padding. */
	{
		uint32_t o5[5];
		rec_rank_users(&r, users, 1, 5, 1, o5, NULL);
		assert_int_equal(o5[0], 2);
		assert_int_equal(o5[1], 3);
		assert_int_equal(o5[2], 4);
		assert_int_equal(o5[3], REC_NONE);
		assert_int_equal(o5[4], REC_NONE);
	}
	rec_ranker_release(&r);
	rec_matrix_release(&tr);
	rec_matrix_release(&te);
}

static void als_ranker_by_hand(void **state)
{
	/* One factor: scores are products. u0 = 1: items 3, 1, 2, -1, 0.5;
	 * u1 = -1: the reverse order. */
	float uf[] = { 1, -1 };
	float itf[] = { 3, 1, 2, -1, 0.5f };
	als_model m = { 2, 5, 1, uf, itf };
	static const size_t tro[] = { 0, 1, 2 };
	static const uint32_t trc[] = { 0, 3 };
	rec_matrix tr = { 0 };
	rec_ranker r;
	uint32_t out[2 * 3];
	float sc[2 * 3];
	static const uint32_t users[] = { 0, 1 };
	err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(rec_matrix_from_rows(2, 5, tro, trc, NULL, &tr, &e), E_OK);
	rec_ranker_als(&r, &m, &tr, 1);
	rec_rank_users(&r, users, 2, 3, 1, out, sc);
	/* u0 has item 0 (3): 2 (2), 1 (1), 4 (0.5) */
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], 1);
	assert_int_equal(out[2], 4);
	assert_float_equal(sc[2], 0.5, 0);
	/* u1 has item 3 (1): 4 (-0.5), 1 (-1), 2 (-2) */
	assert_int_equal(out[3], 4);
	assert_int_equal(out[4], 1);
	assert_int_equal(out[5], 2);
	assert_float_equal(sc[5], -2, 0);
	rec_ranker_release(&r);
	rec_matrix_release(&tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_by_hand),    cmocka_unit_test(random_split),
		cmocka_unit_test(last_orders_split),  cmocka_unit_test(popularity_by_hand),
		cmocka_unit_test(als_ranker_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
