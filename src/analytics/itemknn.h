/* itemknn.h: item-to-item recommendations (Sarwar et al. 2001, Deshpande
 * and Karypis 2004): cosine similarity between the item columns of the
 * user x item matrix, the top-K neighbours of each item, and per-user
 * scores summed over the neighbourhoods of the user's items.
 *
 * Similarity. With r_ui the matrix value (1 in a binary matrix, the number
 * of orders in a counts matrix; see rec_matrix.h),
 *     sim(i, j) = sum_u r_ui r_uj / (sqrt(sum_u r_ui^2) sqrt(sum_u r_uj^2)),
 * so in a binary matrix sim(i, j) = n_ij / sqrt(n_i n_j): the customers who
 * bought both over the geometric mean of those who bought each. sim(i, i)
 * is not a neighbour. Only pairs bought together by some user are
 * computed: for item i, every user u of i adds r_ui r_uj to j for each item
 * j of u (sparse co-occurrence through users). Cost: O(sum over users of
 * |items(u)|^2) plus O(n_items log K) for the selection, spread over the
 * threads (items in small blocks from a shared counter); one dense
 * accumulator of n_items doubles per thread.
 *
 * Scores. For user u with items I(u) (its row, taken as a set: counts do
 * not weigh the sum),
 *     score(u, j) = sum over i in I(u) with j among i's K neighbours of sim(i, j)
 * for j not in I(u); the recommendation's "because" item is the i in I(u)
 * that contributed the largest sim(i, j) (ties: the lower item index).
 *
 * Determinism: neighbours are ordered by descending similarity, ties by
 * ascending item index; sums run in a fixed order, so the model does not
 * depend on the thread count. */
#ifndef ECRM_ANALYTICS_ITEMKNN_H
#define ECRM_ANALYTICS_ITEMKNN_H

#include "analytics/rec_matrix.h"

typedef struct {
	uint32_t k;	     /* neighbours kept per item; 0: 50 */
	uint32_t min_common; /* a pair needs at least this many common users; 0 or 1: any */
	int threads;	     /* < 1: 1 */
} itemknn_params;

/* Item i's neighbours are neighbour[offsets[i] .. offsets[i + 1]) with the
 * similarities similarity[...], best first. */
typedef struct {
	uint32_t n_items;
	size_t *offsets; /* n_items + 1 */
	uint32_t *neighbour;
	float *similarity;
} itemknn_model;

/* Fits the model on the user x item matrix `ui` (rows are users). `out` is
 * set up here; release it with itemknn_release, also after an error. */
MUST_CHECK status itemknn_fit(const rec_matrix *ui, const itemknn_params *p, itemknn_model *out,
			      err *e);

void itemknn_release(itemknn_model *m);

/* sim(i, j) if j is among i's neighbours, else 0. O(K). */
float itemknn_similarity(const itemknn_model *m, uint32_t i, uint32_t j);

/* Per-thread scratch for itemknn_recommend: 16 bytes per item. */
typedef struct {
	float *score;
	float *best;	   /* the largest single contribution so far */
	uint32_t *because; /* REC_NONE: untouched */
	uint32_t *touched;
	uint32_t n_items;
} itemknn_scratch;

void itemknn_scratch_init(itemknn_scratch *s, uint32_t n_items);
void itemknn_scratch_release(itemknn_scratch *s);

/* The `k` best items for a user who has items[0 .. n) (any order; they are
 * never recommended), best first, into out[0 ..), with their scores and
 * (when `because` is not NULL) the user's item that contributed most.
 * Returns how many were found (< k when the neighbourhoods hold fewer).
 * O(n K + touched log k). */
uint32_t itemknn_recommend(const itemknn_model *m, const uint32_t *items, size_t n, uint32_t k,
			   itemknn_scratch *s, uint32_t *out, float *scores, uint32_t *because);

#endif
