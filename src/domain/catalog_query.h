/* catalog_query.h: pages of products and of a customer's interactions,
 * and the analytics scores of one customer, for the REST API. */
#ifndef ECRM_DOMAIN_CATALOG_QUERY_H
#define ECRM_DOMAIN_CATALOG_QUERY_H

#include "domain/interaction.h"
#include "domain/product.h"

/* Products in id order after `after_id`, optionally of one category;
 * *more when another page follows. From `a`. */
status product_list(store *st, const char *category, int64_t after_id, int limit, arena *a,
		    product **rows, size_t *n, bool *more, err *e) MUST_CHECK;
/* Writes every field of `p` but its SKU (by id): unlike product_save, a
 * price of 0 or a cleared category is written as given. */
status product_update(store *st, const product *p, err *e) MUST_CHECK;
/* The product with this SKU; *id = 0 when there is none. */
status product_find_sku(store *st, const char *sku, int64_t *id, err *e) MUST_CHECK;

/* Interactions of customer `customer_id`, newest first (occurred_at, id),
 * after the keyset (after_at, after_id) when after_id > 0. From `a`. */
status interaction_list(store *st, int64_t customer_id, int64_t after_at, int64_t after_id,
			int limit, arena *a, interaction **rows, size_t *n, bool *more,
			err *e) MUST_CHECK;
/* interaction_list in two halves, as order_latest_send/_read
 * (order_query.h). */
status interaction_list_send(store *st, int64_t customer_id, int64_t after_at, int64_t after_id,
			     int limit, stmt **out, err *e) MUST_CHECK;
status interaction_list_read(stmt *s, int limit, arena *a, interaction **rows, size_t *n,
			     bool *more, err *e) MUST_CHECK;
/* Loads one interaction; E_NOTFOUND when absent. */
status interaction_load(store *st, int64_t id, arena *a, interaction *out, err *e) MUST_CHECK;

/* One value of a customer's customer_scores row, named as its column. */
typedef struct {
	const char *name;
	bool is_null;
	bool is_text, is_real;
	int64_t i;
	double d;
	const char *s;
} score_value;

/* The columns of customer_scores that customer_scores_from_row reads, in
 * its order (unqualified). */
#define CUSTOMER_SCORE_COLUMNS                                                          \
	"as_of, recency_days, frequency, monetary, r, f, m, rfm_segment, value_tier, "   \
	"profit, lifecycle_stage, p_alive, expected_purchases, expected_spend, clv, "     \
	"churn_risk, cluster, computed_at"
/* Reads CUSTOMER_SCORE_COLUMNS from column `col` on into `*vals` (`*n`
 * values, named as the columns); false, with none, when the columns are
 * NULL (an outer join found no scores row). */
bool customer_scores_from_row(stmt *s, int col, arena *a, score_value **vals, size_t *n);
/* A customer's model scores; *found = false when no model has run. */
status customer_scores_load(store *st, int64_t customer_id, arena *a, score_value **vals, size_t *n,
			    bool *found, err *e) MUST_CHECK;

#endif
