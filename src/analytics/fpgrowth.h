/* fpgrowth.h: frequent itemsets by FP-growth (Han, Pei and Yin 2000) over
 * baskets held as arrays of dense item ids. A pure kernel: no I/O, no SQL. */
#ifndef ECRM_FPGROWTH_H
#define ECRM_FPGROWTH_H

#include "core/common.h"
#include "core/err.h"

/* Baskets in CSR layout: basket b holds items[offsets[b] .. offsets[b + 1]),
 * every item an id in 0 .. n_items - 1. An item repeated within one basket
 * counts once. Borrowed: the kernel only reads them. */
typedef struct {
	size_t n_baskets;
	uint32_t n_items;
	const size_t *offsets; /* n_baskets + 1 entries, offsets[0] == 0 */
	const uint32_t *items;
} fpgrowth_baskets;

/* How the first level of the recursion is run. Both give the same
 * itemsets; AUTO picks by how well the initial FP-tree compresses. */
typedef enum {
	FPGROWTH_AUTO = 0,
	FPGROWTH_TREE,	  /* project every item from the initial FP-tree */
	FPGROWTH_BASKETS, /* read each item's prefixes off the sorted baskets */
} fpgrowth_strategy;

typedef struct {
	uint32_t min_count;  /* an itemset is frequent when it occurs in at least
				this many baskets; 0 counts as 1 */
	uint32_t max_len;    /* longest itemset reported; 0: no limit */
	size_t max_itemsets; /* stop with E_TOOBIG past this many; 0: no limit */
	fpgrowth_strategy strategy;
} fpgrowth_params;

/* Frequent itemsets in CSR layout: itemset i holds the item ids
 * items[offsets[i] .. offsets[i + 1]) in ascending order and occurs in
 * counts[i] baskets. The order of the itemsets is unspecified. */
typedef struct {
	size_t n;
	size_t *offsets; /* n + 1 entries */
	uint32_t *items;
	uint32_t *counts;
	uint32_t max_len;      /* the longest itemset found */
	size_t cap, items_cap; /* private: allocated entries */
} fpgrowth_itemsets;

/* The smallest basket count that reaches the support fraction `support` of
 * `n_baskets`: ceil(support * n_baskets), where a product within 4 units in
 * the last place above an integer counts as that integer (0.07 * 100 is 7,
 * not 8, though the double comes out as 7.000000000000001). At least 1. */
uint32_t fpgrowth_min_count(double support, size_t n_baskets);

/* Finds every itemset occurring in at least p->min_count baskets (and of at
 * most p->max_len items) and stores them in `out` (set up here; release with
 * fpgrowth_itemsets_release, also after an error). Fails with E_INVAL on an
 * item id out of range or offsets that do not ascend, E_TOOBIG past
 * p->max_itemsets.
 *
 * Cost: two passes over the baskets and a sort of them (O(N log N) for N
 * item occurrences); then, per frequent itemset, one conditional FP-tree no
 * larger than its parent's. The first level costs O(initial tree nodes x
 * depth) from the tree, or O(sum of squared basket lengths) from the baskets
 * (FPGROWTH_BASKETS: sequential, so faster when the tree hardly compresses).
 * Memory: the frequent items as ranks (4 bytes per occurrence), 16 to 24
 * bytes per distinct basket, then either the initial tree (20 bytes per node plus
 * 12 of scratch) or 4 bytes per occurrence of lists; one smaller tree per
 * recursion depth; and the output. The caller's baskets are only read. */
MUST_CHECK status fpgrowth_mine(const fpgrowth_baskets *b, const fpgrowth_params *p,
				fpgrowth_itemsets *out, err *e);

/* Frees what `s` holds and leaves it empty. */
void fpgrowth_itemsets_release(fpgrowth_itemsets *s);

/* The items of itemset `i` (borrowed, ascending); its length in *len. */
static inline const uint32_t *fpgrowth_itemset(const fpgrowth_itemsets *s, size_t i, uint32_t *len)
{
	*len = (uint32_t)(s->offsets[i + 1] - s->offsets[i]);
	return s->items + s->offsets[i];
}

/* Counts the itemsets by size into by_size[0 .. max] (by_size[k]: itemsets of
 * k items; larger ones are not counted). */
void fpgrowth_count_by_size(const fpgrowth_itemsets *s, size_t *by_size, size_t max);

#endif
