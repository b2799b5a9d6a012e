/* rec_explain.h: why a product is recommended to a customer, in words a
 * marketer can check: a basket rule ("bought X, often bought with Y"), else
 * the customer's most similar purchase ("similar to X you bought"), else
 * popularity. Works for any model's recommendations (item-kNN, ALS,
 * popularity). A pure kernel over dense item indexes. */
#ifndef ECRM_ANALYTICS_REC_EXPLAIN_H
#define ECRM_ANALYTICS_REC_EXPLAIN_H

#include "analytics/itemknn.h"
#include "analytics/rec_matrix.h"

/* Rules X => {y} grouped by their consequent y, each group in the order the
 * rules were given (strongest first: the stored rules come by lift). */
typedef struct {
	uint32_t n_items;
	size_t n_rules;
	size_t *start;	/* [n_items + 1]: the rules of y are rule[start[y] .. start[y + 1]) */
	uint32_t *rule; /* rule numbers */
	size_t *aoff;	/* [n_rules + 1]: rule r's antecedent is ante[aoff[r] .. aoff[r + 1]) */
	uint32_t *ante; /* antecedent items */
	double *confidence, *lift; /* [n_rules] */
} rec_rules;

/* Groups `n` rules: rule r is antecedent[offsets[r] .. offsets[r + 1]) =>
 * {consequent[r]}, with its confidence and lift. A rule with REC_NONE
 * anywhere (a product the matrix does not have) or an empty antecedent is
 * left out: it cannot explain anything. The inputs are copied. */
void rec_rules_build(rec_rules *out, uint32_t n_items, size_t n, const uint32_t *consequent,
		     const size_t *offsets, const uint32_t *antecedent, const double *confidence,
		     const double *lift);
void rec_rules_release(rec_rules *r);

typedef enum { REC_WHY_RULE, REC_WHY_SIMILAR, REC_WHY_POPULAR } rec_why_kind;

typedef struct {
	rec_why_kind kind;
	uint32_t rule; /* REC_WHY_RULE: the rule's number as given to rec_rules_build */
	uint32_t item; /* REC_WHY_SIMILAR: the user's item */
	double value;  /* the rule's confidence, or the similarity; NaN for popular */
	double lift;   /* the rule's lift; NaN otherwise */
} rec_why;

/* Why item y is recommended to user u of `ui` (rows: users; u's items are
 * its row): the first rule X => {y} whose X the user has entirely; else
 * the user's item i with the highest item-kNN similarity to y (looked up
 * in both i's and y's neighbour lists; ties: the lower i); else popular.
 * O(rules about y x |X| log |row| + |row| K). */
rec_why rec_explain(const rec_rules *rules, const itemknn_model *knn, const rec_matrix *ui,
		    uint32_t u, uint32_t y);

#endif
