/* recs_store.h: the tables of basket analysis and recommendations
 * (migration 005): association_rules (+ association_rule_items),
 * recommendations and similar_products. Writers replace a table's whole
 * content in one transaction (the commands recompute everything); readers
 * serve the API and return rows in an arena. */
#ifndef ECRM_ANALYTICS_RECS_STORE_H
#define ECRM_ANALYTICS_RECS_STORE_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

/* ---- writing ---- */

/* One rule X => Y over product ids (each list ascending). Borrowed. */
typedef struct {
	const int64_t *antecedent;
	uint32_t n_antecedent;
	const int64_t *consequent;
	uint32_t n_consequent;
	double support, confidence, lift;
	int64_t count;
} recs_rule;

/* Replaces every stored rule with v[0 .. n) (ids follow that order);
 * `basis` is "order" or "customer". In one transaction. */
MUST_CHECK status recs_rules_replace(store *st, const recs_rule *v, size_t n, const char *basis,
				     int64_t computed_at, err *e);

typedef enum { RECS_RULE, RECS_SIMILAR, RECS_POPULAR } recs_reason;

/* "rule", "similar", "popular". */
const char *recs_reason_name(recs_reason r);

/* One recommendation; see the recommendations table for the reason. */
typedef struct {
	int64_t customer_id, product_id;
	uint32_t rank; /* 1 = best */
	double score;
	recs_reason reason;
	const int64_t *reason_products; /* borrowed */
	uint32_t n_reason_products;
	double reason_value; /* NaN: none */
	double reason_lift;  /* NaN: none */
} recs_rec;

/* Replaces every stored recommendation with v[0 .. n), made by `model`. */
MUST_CHECK status recs_recommendations_replace(store *st, const recs_rec *v, size_t n,
					       const char *model, int64_t computed_at, err *e);

typedef struct {
	int64_t product_id, similar_id;
	uint32_t rank; /* 1 = most similar */
	double similarity;
} recs_similar;

/* Replaces every stored similar-products row with v[0 .. n). */
MUST_CHECK status recs_similar_replace(store *st, const recs_similar *v, size_t n,
				       int64_t computed_at, err *e);

/* ---- reading ---- */

/* A product as shown with a rule or recommendation; strings in the arena.
 * A product deleted since the run has sku NULL and name NULL. */
typedef struct {
	int64_t id;
	const char *sku, *name;
} recs_product;

typedef struct {
	int64_t id;
	recs_product *antecedent, *consequent;
	uint32_t n_antecedent, n_consequent;
	double support, confidence, lift;
	int64_t count;
	const char *basis;
	int64_t computed_at;
} recs_rule_row;

typedef struct {
	double min_lift;       /* 0: any */
	double min_confidence; /* 0: any */
	double min_support;    /* 0: any */
	int64_t product_id;    /* > 0: rules with this product on either side */
	size_t limit, offset;  /* a page of the matching rules, in id (lift) order */
} recs_rule_filter;

/* A page of the stored rules matching `f`, and the number of matching
 * rules in `*total`. */
MUST_CHECK status recs_rules_list(store *st, arena *a, const recs_rule_filter *f,
				  recs_rule_row **out, size_t *n, int64_t *total, err *e);

/* The rules {product} => {y}: products bought with `product_id`, by
 * descending lift (the rules' order), at most `limit`. */
MUST_CHECK status recs_bought_together(store *st, arena *a, int64_t product_id, size_t limit,
				       recs_rule_row **out, size_t *n, err *e);

typedef struct {
	uint32_t rank;
	recs_product product;
	double similarity;
	int64_t computed_at;
} recs_similar_row;

/* The products most similar to `product_id`, at most `limit`. */
MUST_CHECK status recs_similar_list(store *st, arena *a, int64_t product_id, size_t limit,
				    recs_similar_row **out, size_t *n, err *e);

typedef struct {
	uint32_t rank;
	recs_product product;
	double score;
	const char *model;
	recs_reason reason;
	recs_product *reason_products;
	uint32_t n_reason_products;
	double reason_value, reason_lift; /* NaN: none */
	int64_t computed_at;
} recs_rec_row;

/* The stored recommendations of `customer_id`, best first, at most `limit`. */
MUST_CHECK status recs_for_customer(store *st, arena *a, int64_t customer_id, size_t limit,
				    recs_rec_row **out, size_t *n, err *e);

/* E_NOTFOUND ("no customer 7") unless the customer exists. */
MUST_CHECK status recs_customer_exists(store *st, int64_t id, err *e);
/* Product `id` into `out` (strings in the arena); E_NOTFOUND "no product 7". */
MUST_CHECK status recs_product_get(store *st, arena *a, int64_t id, recs_product *out, err *e);

/* ---- for `ecrm analyze recommend`: the stored rules with one-item
 * consequents, to explain recommendations ---- */

typedef struct {
	size_t n;
	int64_t *consequent; /* [n] the product Y */
	size_t *offsets;     /* [n + 1] antecedent of rule r: antecedent[offsets[r] ..] */
	int64_t *antecedent; /* ascending product ids per rule */
	double *confidence, *lift;
} recs_rule_index;

/* Loads the stored rules X => {y} with non-empty X, in id order. */
MUST_CHECK status recs_rules_load(store *st, recs_rule_index *out, err *e);
void recs_rule_index_release(recs_rule_index *r);

#endif
