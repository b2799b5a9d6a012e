/* test_als.c: implicit ALS recovers planted taste groups (held-out items
 * are recommended from the user's own group, precision far above
 * popularity), its conjugate-gradient steps solve the Hu-Koren-Volinsky
 * normal equations, the objective never rises, and the factors depend on
 * the seed only, not on the threads. */
#include "testutil.h"
#include "analytics/als.h"
#include "analytics/rec_eval.h"

#include <math.h>

enum { GROUPS = 3, USERS_PER = 60, ITEMS_PER = 30, BOUGHT = 12 };
#define USERS (GROUPS * USERS_PER)
#define ITEMS (GROUPS * ITEMS_PER)

/* User u belongs to group u / USERS_PER and bought BOUGHT distinct items
 * of that group's ITEMS_PER, chosen at random; item i is in group
 * i / ITEMS_PER. Values are 1, or 1..3 with `counts`. */
static void planted(rec_matrix *m, bool counts)
{
	size_t off[USERS + 1];
	uint32_t cols[USERS * BOUGHT];
	float vals[USERS * BOUGHT];
	rec_rng g;
	err e;

	err_clear(&e);
	rec_rng_init(&g, 2024, 0);
	off[0] = 0;
	for (uint32_t u = 0; u < USERS; u++) {
		uint32_t pick[ITEMS_PER], grp = u / USERS_PER;
		for (uint32_t i = 0; i < ITEMS_PER; i++)
			pick[i] = i;
		for (uint32_t t = 0; t < BOUGHT; t++) {
			uint32_t j = t + (uint32_t)rec_rng_below(&g, ITEMS_PER - t), x = pick[t];
			pick[t] = pick[j];
			pick[j] = x;
			cols[off[u] + t] = grp * ITEMS_PER + pick[t];
			vals[off[u] + t] = counts ? (float)(1 + rec_rng_below(&g, 3)) : 1.0f;
		}
		off[u + 1] = off[u] + BOUGHT;
	}
	if (rec_matrix_from_rows(USERS, ITEMS, off, cols, vals, m, &e))
		fail_msg("%s", e.msg);
}

static void params(als_params *p, uint32_t f, uint32_t iterations, int threads)
{
	als_params_default(p);
	p->factors = f;
	p->iterations = iterations;
	p->regularization = 0.1f;
	p->alpha = 10;
	p->threads = threads;
	p->seed = 5;
}

static void fit(const rec_matrix *m, const als_params *p, als_model *out)
{
	err e;

	err_clear(&e);
	if (als_fit(m, p, out, &e))
		fail_msg("%s", e.msg);
}

static void recovers_planted_groups(void **state)
{
	rec_matrix m = { 0 }, tr = { 0 }, te = { 0 };
	als_model model = { 0 };
	als_params p;
	rec_ranker r;
	rec_metrics ma, mp;
	uint32_t users[USERS], *top = malloc(USERS * 10 * sizeof(uint32_t));
	size_t same = 0, total = 0;

	(void)state;
	planted(&m, false);
	rec_split_random(&m, 0.2, 1, &tr, &te);
	params(&p, 8, 15, 2);
	fit(&tr, &p, &model);

	/* Nearly every recommended item is from the user's own group. */
	rec_ranker_als(&r, &model, &tr, 2);
	for (uint32_t u = 0; u < USERS; u++)
		users[u] = u;
	rec_rank_users(&r, users, USERS, 10, 2, top, NULL);
	for (uint32_t u = 0; u < USERS; u++) {
		for (uint32_t j = 0; j < 10; j++) {
			assert_int_not_equal(top[u * 10 + j], REC_NONE);
			assert_false(rec_matrix_has(&tr, u, top[u * 10 + j]));
			same += top[u * 10 + j] / ITEMS_PER == u / USERS_PER;
			total++;
		}
	}
	assert_true(same >= total * 95 / 100);

	/* Held-out items: each user's 2 are among the 20 of its group it has
	 * not bought, so a model that knows the groups gets about 5 x 2/20
	 * = 0.5 hits in 5, popularity a third of that at best. */
	rec_evaluate(&te, 5, &r, 2, &ma);
	rec_ranker_release(&r);
	rec_ranker_popular(&r, &tr, 2);
	rec_evaluate(&te, 5, &r, 2, &mp);
	rec_ranker_release(&r);
	assert_int_equal(ma.users, USERS);
	print_message("precision@5: ALS %.3f, popularity %.3f\n", ma.precision, mp.precision);
	assert_true(ma.precision > 0.07);
	assert_true(ma.precision > 2 * mp.precision);
	assert_true(ma.recall > 2 * mp.recall);

	als_release(&model);
	rec_matrix_release(&m);
	rec_matrix_release(&tr);
	rec_matrix_release(&te);
	free(top);
}

/* With as many CG steps as factors, the last half-iteration solves each
 * item's system exactly (up to float rounding):
 *   (X'X + sum_u (c_ui - 1) x_u x_u' + lambda I) y_i = sum_u c_ui x_u
 * over the users u who have item i, c_ui = 1 + alpha r_ui. */
static void cg_solves_the_normal_equations(void **state)
{
	enum { F = 4 };
	rec_matrix m = { 0 }, iu = { 0 };
	als_model model = { 0 };
	als_params p;
	double xtx[F][F] = { { 0 } };

	(void)state;
	planted(&m, true);
	params(&p, F, 2, 1);
	p.cg_steps = 2 * F;
	fit(&m, &p, &model);
	for (uint32_t u = 0; u < USERS; u++) {
		const float *x = model.user_factors + u * F;
		for (int a = 0; a < F; a++)
			for (int b = 0; b < F; b++)
				xtx[a][b] += (double)x[a] * x[b];
	}
	rec_matrix_transpose(&m, &iu);
	for (uint32_t i = 0; i < ITEMS; i++) {
		double A[F][F], b[F] = { 0 }, res = 0, norm = 0;
		const float *y = model.item_factors + i * F;
		memcpy(A, xtx, sizeof(A));
		for (int a = 0; a < F; a++)
			A[a][a] += p.regularization;
		for (size_t k = iu.indptr[i]; k < iu.indptr[i + 1]; k++) {
			const float *x = model.user_factors + iu.indices[k] * F;
			double c = 1 + (double)p.alpha * iu.data[k];
			for (int a = 0; a < F; a++) {
				b[a] += c * x[a];
				for (int bb = 0; bb < F; bb++)
					A[a][bb] += (c - 1) * x[a] * x[bb];
			}
		}
		for (int a = 0; a < F; a++) {
			double r = -b[a];
			for (int bb = 0; bb < F; bb++)
				r += A[a][bb] * y[bb];
			res += r * r;
			norm += b[a] * b[a];
		}
		if (!(sqrt(res) <= 1e-3 * sqrt(norm)))
			fail_msg("item %u: residual %g of %g", i, sqrt(res), sqrt(norm));
	}
	als_release(&model);
	rec_matrix_release(&iu);
	rec_matrix_release(&m);
}

static void loss_never_rises(void **state)
{
	rec_matrix m = { 0 };
	als_params p;
	double prev = INFINITY;

	(void)state;
	planted(&m, true);
	for (uint32_t it = 1; it <= 6; it++) {
		als_model model = { 0 };
		double l;
		params(&p, 6, it, 1);
		fit(&m, &p, &model);
		l = als_loss(&m, &model, p.regularization, p.alpha);
		assert_true(isfinite(l));
		if (!(l <= prev * (1 + 1e-6)))
			fail_msg("loss rose at iteration %u: %g after %g", it, l, prev);
		prev = l;
		als_release(&model);
	}
	/* and it went somewhere: far below the loss of near-zero factors,
	 * which is about sum c_ui = 180 * 12 * (1 + 10 * 2) */
	assert_true(prev < 0.5 * USERS * BOUGHT * 21);
	rec_matrix_release(&m);
}

static void seed_not_threads_decides(void **state)
{
	rec_matrix m = { 0 };
	als_model a = { 0 }, b = { 0 }, c = { 0 };
	als_params p;

	(void)state;
	planted(&m, true);
	params(&p, 16, 3, 1);
	fit(&m, &p, &a);
	p.threads = 3;
	fit(&m, &p, &b);
	assert_memory_equal(a.user_factors, b.user_factors, USERS * 16 * sizeof(float));
	assert_memory_equal(a.item_factors, b.item_factors, ITEMS * 16 * sizeof(float));
	p.seed = 6;
	fit(&m, &p, &c);
	assert_true(memcmp(a.item_factors, c.item_factors, ITEMS * 16 * sizeof(float)) != 0);
	als_release(&a);
	als_release(&b);
	als_release(&c);
	rec_matrix_release(&m);
}

static void bad_parameters(void **state)
{
	rec_matrix m = { 0 };
	als_model model = { 0 };
	als_params p;
	err e;

	(void)state;
	planted(&m, false);
	err_clear(&e);
	params(&p, 0, 1, 1);
	assert_int_equal(als_fit(&m, &p, &model, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "factors"));
	als_release(&model);
	params(&p, 4, 1, 1);
	p.regularization = -1;
	assert_int_equal(als_fit(&m, &p, &model, &e), E_INVAL);
	als_release(&model);
	params(&p, 4, 1, 1);
	p.alpha = NAN;
	assert_int_equal(als_fit(&m, &p, &model, &e), E_INVAL);
	als_release(&model);
	rec_matrix_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recovers_planted_groups),
		cmocka_unit_test(cg_solves_the_normal_equations),
		cmocka_unit_test(loss_never_rises),
		cmocka_unit_test(seed_not_threads_decides),
		cmocka_unit_test(bad_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
