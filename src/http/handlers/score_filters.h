/* score_filters.h: the customer list's score filters (GET /api/customers
 * ?segment=, ?tier=, ?stage=): each one's query parameter and the values
 * its model writes ("none" is stored as no value, so it is not one). The
 * handler checks a request against them; a test checks docs/openapi.yaml's
 * enums against them. */
#ifndef ECRM_HTTP_HANDLERS_SCORE_FILTERS_H
#define ECRM_HTTP_HANDLERS_SCORE_FILTERS_H

#include "core/strbuf.h"

typedef struct {
	const char *param;
	const char *(*name)(int); /* the model's name of value i */
	int from, to;		  /* the values: from .. to - 1 */
} score_filter;

enum { SCORE_FILTER_SEGMENT, SCORE_FILTER_TIER, SCORE_FILTER_STAGE, SCORE_FILTER__COUNT };
extern const score_filter score_filters[SCORE_FILTER__COUNT];

/* Whether `v` is one of `f`'s values. */
bool score_filter_has(const score_filter *f, const char *v);
/* Appends `f`'s values to `out`, in order, as "a, b, c". */
void score_filter_values(const score_filter *f, strbuf *out);

#endif
