/* test_itemknn.c: item-kNN cosine similarities and neighbour lists on a
 * hand-computed 4 x 4 matrix (binary and counts), the min_common filter,
 * per-user scores with their "because" item, and the same model whatever
 * the thread count. Also the sparse matrix helpers it stands on. */
#include "testutil.h"
#include "analytics/itemknn.h"

#include <math.h>

/* Users x items:   i0 i1 i2 i3
 *             u0    1  1  1  .
 *             u1    1  1  .  .
 *             u2    .  1  1  1
 *             u3    1  .  .  1
 * Users per item: 3, 3, 2, 2. Common users: (0,1) 2, (0,2) 1, (0,3) 1,
 * (1,2) 2, (1,3) 1, (2,3) 1. Cosine = common / sqrt(n_i n_j):
 * (0,1) 2/3, (0,2) (0,3) (1,3) 1/sqrt 6, (1,2) 2/sqrt 6, (2,3) 1/2. */
static const size_t off[] = { 0, 3, 5, 8, 10 };
static const uint32_t col[] = { 2, 0, 1, 1, 0, 3, 2, 1, 3, 0 }; /* unsorted on purpose */

#define S23 0.6666666666666666
#define S16 0.4082482904638631
#define S26 0.8164965809277261
#define TOL 1e-6

static void matrix(rec_matrix *m, const float *vals)
{
	err e;

	err_clear(&e);
	if (rec_matrix_from_rows(4, 4, off, col, vals, m, &e))
		fail_msg("%s", e.msg);
}

static void fit(const rec_matrix *m, uint32_t k, uint32_t min_common, int threads,
		itemknn_model *out)
{
	itemknn_params p = { .k = k, .min_common = min_common, .threads = threads };
	err e;

	err_clear(&e);
	if (itemknn_fit(m, &p, out, &e))
		fail_msg("%s", e.msg);
}

static void expect_neighbours(const itemknn_model *m, uint32_t i, size_t n, const uint32_t *nbr,
			      const double *sim)
{
	assert_int_equal(m->offsets[i + 1] - m->offsets[i], n);
	for (size_t a = 0; a < n; a++) {
		assert_int_equal(m->neighbour[m->offsets[i] + a], nbr[a]);
		assert_float_equal(m->similarity[m->offsets[i] + a], sim[a], TOL);
	}
}

static void matrix_helpers(void **state)
{
	rec_matrix m = { 0 }, t = { 0 };
	static const size_t o2[] = { 0, 3 };
	static const uint32_t c2[] = { 1, 1, 0 };
	static const float v2[] = { 2, 3, -1 };
	err e;

	(void)state;
	matrix(&m, NULL);
	assert_int_equal(m.nnz, 10);
	/* rows come out sorted */
	assert_int_equal(m.indices[0], 0);
	assert_int_equal(m.indices[1], 1);
	assert_int_equal(m.indices[2], 2);
	assert_true(rec_matrix_has(&m, 2, 3));
	assert_false(rec_matrix_has(&m, 1, 2));
	rec_matrix_transpose(&m, &t);
	assert_int_equal(t.n_rows, 4);
	assert_int_equal(t.indptr[1] - t.indptr[0], 3); /* item 0: u0, u1, u3 */
	assert_int_equal(t.indices[0], 0);
	assert_int_equal(t.indices[1], 1);
	assert_int_equal(t.indices[2], 3);
	rec_matrix_release(&t);
	rec_matrix_release(&m);

	/* repeats add up; a value not above 0 is dropped */
	err_clear(&e);
	assert_int_equal(rec_matrix_from_rows(1, 2, o2, c2, v2, &m, &e), E_OK);
	assert_int_equal(m.nnz, 1);
	assert_int_equal(m.indices[0], 1);
	assert_float_equal(m.data[0], 5, 0);
	rec_matrix_release(&m);

	/* a column out of range is refused */
	assert_int_equal(rec_matrix_from_rows(1, 1, o2, c2, NULL, &m, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "out of range"));
	rec_matrix_release(&m);
}

static void binary_cosine_by_hand(void **state)
{
	rec_matrix m = { 0 };
	itemknn_model km = { 0 };

	(void)state;
	matrix(&m, NULL);
	fit(&m, 3, 0, 1, &km);
	/* Ties (equal similarity) list the lower item first. */
	expect_neighbours(&km, 0, 3, (const uint32_t[]){ 1, 2, 3 },
			  (const double[]){ S23, S16, S16 });
	expect_neighbours(&km, 1, 3, (const uint32_t[]){ 2, 0, 3 },
			  (const double[]){ S26, S23, S16 });
	expect_neighbours(&km, 2, 3, (const uint32_t[]){ 1, 3, 0 },
			  (const double[]){ S26, 0.5, S16 });
	expect_neighbours(&km, 3, 3, (const uint32_t[]){ 2, 0, 1 },
			  (const double[]){ 0.5, S16, S16 });
	assert_float_equal(itemknn_similarity(&km, 2, 3), 0.5, TOL);
	assert_float_equal(itemknn_similarity(&km, 0, 0), 0, 0);
	itemknn_release(&km);

	/* K = 2 keeps the two best; item 3's tie between 0 and 1 keeps 0. */
	fit(&m, 2, 0, 1, &km);
	expect_neighbours(&km, 3, 2, (const uint32_t[]){ 2, 0 }, (const double[]){ 0.5, S16 });
	itemknn_release(&km);

	/* min_common 2: only (0,1) and (1,2) are bought together twice. */
	fit(&m, 3, 2, 1, &km);
	expect_neighbours(&km, 0, 1, (const uint32_t[]){ 1 }, (const double[]){ S23 });
	expect_neighbours(&km, 1, 2, (const uint32_t[]){ 2, 0 }, (const double[]){ S26, S23 });
	expect_neighbours(&km, 2, 1, (const uint32_t[]){ 1 }, (const double[]){ S26 });
	expect_neighbours(&km, 3, 0, NULL, NULL);
	itemknn_release(&km);
	rec_matrix_release(&m);
}

static void counts_cosine_by_hand(void **state)
{
	/* u0 bought i0 in two orders (value 2), everything else once:
	 * |i0| = sqrt(4 + 1 + 1) = sqrt 6, i0.i1 = 2 + 1 = 3, so
	 * sim(0,1) = 3 / (sqrt 6 sqrt 3) = 1 / sqrt 2; i0.i2 = 2, sim = 2 / (sqrt 6
	 * sqrt 2) = 1 / sqrt 3. */
	static const float vals[] = { 1, 2, 1, 1, 1, 1, 1, 1, 1, 1 };
	rec_matrix m = { 0 };
	itemknn_model km = { 0 };

	(void)state;
	matrix(&m, vals);
	fit(&m, 3, 0, 1, &km);
	assert_float_equal(itemknn_similarity(&km, 0, 1), 0.7071067811865476, TOL);
	assert_float_equal(itemknn_similarity(&km, 0, 2), 0.5773502691896258, TOL);
	assert_float_equal(itemknn_similarity(&km, 1, 0), 0.7071067811865476, TOL);
	assert_float_equal(itemknn_similarity(&km, 0, 3), 1 / sqrt(12), TOL);
	itemknn_release(&km);
	rec_matrix_release(&m);
}

static void user_scores_by_hand(void **state)
{
	rec_matrix m = { 0 };
	itemknn_model km = { 0 };
	itemknn_scratch s;
	uint32_t out[4], because[4];
	float sc[4];
	uint32_t n;
	static const uint32_t u1[] = { 0, 1 };

	(void)state;
	matrix(&m, NULL);
	fit(&m, 3, 0, 1, &km);
	itemknn_scratch_init(&s, 4);
	/* u1 has {0, 1}: score(2) = sim(0,2) + sim(1,2) = 1/sqrt 6 + 2/sqrt 6,
	 * mostly because of 1; score(3) = sim(0,3) + sim(1,3) = 2/sqrt 6, a tie
	 * between 0 and 1 that names the lower, 0. */
	n = itemknn_recommend(&km, u1, 2, 4, &s, out, sc, because);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 2);
	assert_float_equal(sc[0], S16 + S26, TOL);
	assert_int_equal(because[0], 1);
	assert_int_equal(out[1], 3);
	assert_float_equal(sc[1], 2 * S16, TOL);
	assert_int_equal(because[1], 0);
	/* k = 1 keeps the best; the scratch is clean between calls. */
	n = itemknn_recommend(&km, u1, 2, 1, &s, out, sc, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 2);
	/* A user with every item gets nothing. */
	n = itemknn_recommend(&km, (const uint32_t[]){ 3, 2, 1, 0 }, 4, 4, &s, out, sc, NULL);
	assert_int_equal(n, 0);
	itemknn_scratch_release(&s);
	itemknn_release(&km);
	rec_matrix_release(&m);
}

static void threads_do_not_change_the_model(void **state)
{
	enum { USERS = 700, ITEMS = 300 };
	size_t *o = malloc((USERS + 1) * sizeof(*o));
	uint32_t *c = malloc(USERS * 40 * sizeof(*c));
	float *v = malloc(USERS * 40 * sizeof(*v));
	rec_matrix m = { 0 };
	itemknn_model a = { 0 }, b = { 0 };
	rec_rng g;
	err e;

	(void)state;
	err_clear(&e);
	rec_rng_init(&g, 7, 0);
	o[0] = 0;
	for (uint32_t u = 0; u < USERS; u++) {
		size_t n = 1 + rec_rng_below(&g, 39);
		for (size_t j = 0; j < n; j++) {
			/* skewed: low item ids are popular */
			double x = rec_rng_uniform(&g);
			c[o[u] + j] = (uint32_t)(ITEMS * x * x);
			v[o[u] + j] = (float)(1 + rec_rng_below(&g, 3));
		}
		o[u + 1] = o[u] + n;
	}
	assert_int_equal(rec_matrix_from_rows(USERS, ITEMS, o, c, v, &m, &e), E_OK);
	fit(&m, 20, 0, 1, &a);
	fit(&m, 20, 0, 3, &b);
	assert_int_equal(a.offsets[ITEMS], b.offsets[ITEMS]);
	assert_memory_equal(a.offsets, b.offsets, (ITEMS + 1) * sizeof(size_t));
	assert_memory_equal(a.neighbour, b.neighbour, a.offsets[ITEMS] * sizeof(uint32_t));
	assert_memory_equal(a.similarity, b.similarity, a.offsets[ITEMS] * sizeof(float));
	/* similarities within [0, 1] (up to rounding), descending per item */
	for (uint32_t i = 0; i < ITEMS; i++) {
		for (size_t x = a.offsets[i]; x < a.offsets[i + 1]; x++) {
			assert_true(a.similarity[x] > 0 && a.similarity[x] <= 1.0f + 1e-6f);
			assert_int_not_equal(a.neighbour[x], i);
			if (x > a.offsets[i])
				assert_true(a.similarity[x] <= a.similarity[x - 1]);
		}
	}
	itemknn_release(&a);
	itemknn_release(&b);
	rec_matrix_release(&m);
	free(o);
	free(c);
	free(v);
}

static void topk_order(void **state)
{
	uint32_t idx[3];
	float sc[3];
	rec_topk t;
	static const float in[] = { 0.5f, 2, 1, 2, -1, 1 };

	(void)state;
	rec_topk_init(&t, 3, idx, sc);
	for (uint32_t i = 0; i < 6; i++)
		rec_topk_push(&t, i, in[i]);
	assert_int_equal(rec_topk_finish(&t), 3);
	/* 2 (item 1), 2 (item 3), 1 (item 2 beats item 5) */
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 3);
	assert_int_equal(idx[2], 2);
	assert_float_equal(sc[2], 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matrix_helpers),
		cmocka_unit_test(topk_order),
		cmocka_unit_test(binary_cosine_by_hand),
		cmocka_unit_test(counts_cosine_by_hand),
		cmocka_unit_test(user_scores_by_hand),
		cmocka_unit_test(threads_do_not_change_the_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
