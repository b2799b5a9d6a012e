/* duplicates.h: finding customers who are probably one person: similar
 * names at the same postcode or with the same phone. */
#ifndef ECRM_INGEST_DUPLICATES_H
#define ECRM_INGEST_DUPLICATES_H

#include "store/db.h"

typedef struct {
	int64_t a, b;     /* customer ids, a < b */
	double score;     /* 0..1: higher is more likely one person */
	double name_similarity;
	bool same_phone;
	bool same_postcode;
} duplicate_pair;

/* Jaro-Winkler similarity (0..1) of two UTF-8 strings, compared by code
 * point after lower-casing ASCII and dropping spaces: works for Chinese
 * names too. */
double name_similarity(const char *a, const char *b);

/* Finds candidate pairs among live customers with score >= min_score, best
 * first, at most `max` of them. *out is malloc'd (caller frees), *n its
 * length. Customers are compared within blocks sharing a postcode or a
 * phone, so the work is near-linear in the number of customers. */
status duplicates_find(store *st, double min_score, size_t max, duplicate_pair **out, size_t *n,
		       err *e) MUST_CHECK;

/* The candidates of customer `id` alone: the pairs of duplicates_find
 * that hold it (same blocks, scores and merging of reasons), best first, at
 * most `max`. *out is malloc'd (caller frees; NULL when none). A merged
 * customer has none; E_NOTFOUND when there is no customer `id`. */
status duplicates_of(store *st, int64_t id, double min_score, size_t max, duplicate_pair **out,
		     size_t *n, err *e) MUST_CHECK;

#endif
