/* test_rec_explain.c: reasons for recommendations on a hand-worked shop:
 * the first applicable rule wins, multi-item antecedents need every item,
 * rules about unknown products or with empty antecedents are dropped, then
 * the most similar purchase, then popularity. */
#include "testutil.h"
#include "analytics/rec_explain.h"

#include <math.h>

/* Customers x products A B C D E (0..4):
 *   u0 {A,B,C}  u1 {A,B,D}  u2 {A,C}  u3 {B,C,E}  u4 {D,E}
 * Cosine: A-B A-C B-C 2/3; D-E 1/2; A-D B-D B-E C-E 1/sqrt 6; A-E C-D 0. */
static const size_t off[] = { 0, 3, 6, 8, 11, 13 };
static const uint32_t col[] = { 0, 1, 2, 0, 1, 3, 0, 2, 1, 2, 4, 3, 4 };

/* Rules in the order stored: 0 A=>B, 1 B=>A, 2 C=>A, 3 C=>B, 4 {A,C}=>E,
 * 5 {?}=>D (a product the matrix lacks), 6 {}=>A. */
static const uint32_t cons[] = { 1, 0, 0, 1, 4, 3, 0 };
static const size_t aoff[] = { 0, 1, 2, 3, 4, 6, 7, 7 };
static const uint32_t ante[] = { 0, 1, 2, 2, 0, 2, REC_NONE };
static const double conf[] = { 0.8, 0.8, 2.0 / 3, 2.0 / 3, 0.5, 0.9, 0.6 };
static const double lift[] = { 1.28, 1.28, 16.0 / 15, 16.0 / 15, 2, 3, 1 };

static void setup_all(rec_matrix *m, rec_rules *r, itemknn_model *knn, uint32_t k)
{
	itemknn_params p = { .k = k, .threads = 1 };
	err e;

	err_clear(&e);
	if (rec_matrix_from_rows(5, 5, off, col, NULL, m, &e) || itemknn_fit(m, &p, knn, &e))
		fail_msg("%s", e.msg);
	rec_rules_build(r, 5, 7, cons, aoff, ante, conf, lift);
}

static void rules_grouped_by_consequent(void **state)
{
	rec_matrix m = { 0 };
	rec_rules r = { 0 };
	itemknn_model knn = { 0 };

	(void)state;
	setup_all(&m, &r, &knn, 50);
	/* A: rules 1, 2 (6 has an empty antecedent); B: 0, 3; D: none (5
	 * names an unknown product); E: 4. */
	assert_int_equal(r.start[1] - r.start[0], 2);
	assert_int_equal(r.rule[r.start[0]], 1);
	assert_int_equal(r.rule[r.start[0] + 1], 2);
	assert_int_equal(r.start[2] - r.start[1], 2);
	assert_int_equal(r.rule[r.start[1]], 0);
	assert_int_equal(r.start[3] - r.start[2], 0);
	assert_int_equal(r.start[4] - r.start[3], 0);
	assert_int_equal(r.start[5] - r.start[4], 1);
	rec_rules_release(&r);
	itemknn_release(&knn);
	rec_matrix_release(&m);
}

static void reasons_by_hand(void **state)
{
	rec_matrix m = { 0 };
	rec_rules r = { 0 };
	itemknn_model knn = { 0 };
	rec_why w;

	(void)state;
	setup_all(&m, &r, &knn, 50);
	/* u2 {A,C} and B: A => B comes first (C => B would do too). */
	w = rec_explain(&r, &knn, &m, 2, 1);
	assert_int_equal(w.kind, REC_WHY_RULE);
	assert_int_equal(w.rule, 0);
	assert_true(w.value == 0.8 && w.lift == 1.28);
	/* {A,C} => E needs both: u2 and u0 have them ... */
	w = rec_explain(&r, &knn, &m, 2, 4);
	assert_int_equal(w.kind, REC_WHY_RULE);
	assert_int_equal(w.rule, 4);
	w = rec_explain(&r, &knn, &m, 0, 4);
	assert_int_equal(w.rule, 4);
	/* ... u1 {A,B,D} has no C: the most similar purchase, D (1/2 > 1/sqrt 6). */
	w = rec_explain(&r, &knn, &m, 1, 4);
	assert_int_equal(w.kind, REC_WHY_SIMILAR);
	assert_int_equal(w.item, 3);
	assert_float_equal(w.value, 0.5, 1e-6);
	assert_true(isnan(w.lift));
	/* u4 {D,E} and A: neither B => A nor C => A applies; D (1/sqrt 6) beats
	 * E (0). */
	w = rec_explain(&r, &knn, &m, 4, 0);
	assert_int_equal(w.kind, REC_WHY_SIMILAR);
	assert_int_equal(w.item, 3);
	assert_float_equal(w.value, 1 / sqrt(6), 1e-6);
	/* u3 {B,C,E} and D: rule 5 was dropped; E-D (1/2) beats B-D
	 * (1/sqrt 6) and C-D (0). */
	w = rec_explain(&r, &knn, &m, 3, 3);
	assert_int_equal(w.kind, REC_WHY_SIMILAR);
	assert_int_equal(w.item, 4);
	/* Without rules and similarities: popularity. */
	w = rec_explain(NULL, NULL, &m, 2, 1);
	assert_int_equal(w.kind, REC_WHY_POPULAR);
	assert_true(isnan(w.value));
	rec_rules_release(&r);
	itemknn_release(&knn);
	rec_matrix_release(&m);
}

static void truncated_neighbours_fall_back_to_popular(void **state)
{
	rec_matrix m = { 0 };
	rec_rules r = { 0 };
	itemknn_model knn = { 0 };
	rec_why w;

	(void)state;
	/* One neighbour each: A -> B, C -> A, D -> E. u2 {A,C} and D: D is in
	 * neither A's nor C's list, and neither A nor C is in D's. */
	setup_all(&m, &r, &knn, 1);
	w = rec_explain(&r, &knn, &m, 2, 3);
	assert_int_equal(w.kind, REC_WHY_POPULAR);
	/* the lists the case above relies on */
	assert_int_equal(knn.neighbour[knn.offsets[0]], 1);
	assert_int_equal(knn.neighbour[knn.offsets[2]], 0);
	assert_int_equal(knn.neighbour[knn.offsets[3]], 4);
	rec_rules_release(&r);
	itemknn_release(&knn);
	rec_matrix_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_grouped_by_consequent),
		cmocka_unit_test(reasons_by_hand),
		cmocka_unit_test(truncated_neighbours_fall_back_to_popular),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
