/* rules.h: association rules X => Y from frequent itemsets, with support,
 * confidence and lift. A pure kernel over fpgrowth's output. */
#ifndef ECRM_RULES_H
#define ECRM_RULES_H

#include "core/common.h"
#include "core/err.h"
#include "analytics/fpgrowth.h"

/* The antecedent index of a rule whose antecedent is empty ({} => Y). */
#define RULES_EMPTY UINT32_MAX

/* One rule X => Y, X and Y disjoint, Y non-empty. The itemsets are indexes
 * into the fpgrowth_itemsets the rules were made from. */
typedef struct {
	uint32_t antecedent; /* X, or RULES_EMPTY */
	uint32_t consequent; /* Y */
	uint32_t itemset;    /* X u Y */
	uint32_t len;	     /* |X| + |Y| */
	double support;	     /* count(X u Y) / baskets */
	double confidence;   /* count(X u Y) / count(X) (count({}) = baskets) */
	double lift;	     /* confidence / (count(Y) / baskets) */
} rules_rule;

typedef struct {
	size_t n;
	rules_rule *v;
	size_t cap;
} rules_set;

typedef struct {
	double min_confidence;
	/* The defaults (both false) are those of R's arules apriori(), against
	 * which the published rule counts are taken: one item in the
	 * consequent, and rules {} => {y} for every item y whose support reaches
	 * min_confidence. multi_consequent allows any non-empty Y (and {} => I
	 * for any itemset I) and costs O(2^|I|) per itemset; it refuses
	 * itemsets of more than 24 items. */
	bool multi_consequent;
	bool no_empty_antecedent; /* drop the {} => Y rules */
	uint32_t min_len;	  /* fewest items in X u Y; 0 or 1: no limit */
	size_t max_rules;	  /* stop with E_TOOBIG past this many; 0: none */
} rules_params;

/* Makes every rule allowed by `p` from the itemsets `s`, mined from
 * `n_baskets` baskets (down to whatever support they were mined at), whose
 * confidence reaches p->min_confidence. The ratio of two counts is correctly
 * rounded, so a confidence of exactly 0.5 (or 0.3) passes 0.5 (or 0.3) as
 * written in decimal. Every subset of an itemset in `s`
 * must be in `s` too, as fpgrowth_mine guarantees; E_INVAL otherwise.
 * `out` is set up here; release it with rules_release, also after an error.
 * The rules come in itemset order; see rules_sort.
 * Cost: O(sum over itemsets of |I|^2) to look up the subsets (hashed), plus
 * O(|I| 2^|I|) per itemset with multi_consequent. */
MUST_CHECK status rules_generate(const fpgrowth_itemsets *s, size_t n_baskets,
				 const rules_params *p, rules_set *out, err *e);

/* Sorts by descending lift, then descending confidence, descending support,
 * fewer items, and the antecedent's then the consequent's item ids (in
 * lexicographic order), so the order does not depend on how the itemsets
 * were mined. `s` are the itemsets the rules were made from. */
void rules_sort_by_lift(rules_set *r, const fpgrowth_itemsets *s);

/* Counts the rules by length |X| + |Y| into by_len[0 .. max]. */
void rules_count_by_length(const rules_set *r, size_t *by_len, size_t max);

/* Frees what `r` holds and leaves it empty. */
void rules_release(rules_set *r);

#endif
