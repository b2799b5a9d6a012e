/* score_filters.c: the customer list's score filters (score_filters.h). */
#include "http/handlers/score_filters.h"
#include "analytics/lifecycle.h"
#include "analytics/rfm.h"
#include "analytics/value_tier.h"

static const char *segment_name(int i)
{
	return rfm_segment_name((rfm_segment)i);
}

static const char *tier_name(int i)
{
	return value_tier_name((value_tier)i);
}

static const char *stage_name(int i)
{
	return lifecycle_stage_name((lifecycle_stage)i);
}

const score_filter score_filters[SCORE_FILTER__COUNT] = {
	[SCORE_FILTER_SEGMENT] = {"segment", segment_name, RFM_NONE + 1, RFM__COUNT},
	[SCORE_FILTER_TIER] = {"tier", tier_name, VALUE_TIER_NONE + 1, VALUE_TIER__COUNT},
	[SCORE_FILTER_STAGE] = {"stage", stage_name, 0, LIFECYCLE__COUNT},
};

bool score_filter_has(const score_filter *f, const char *v)
{
	for (int i = f->from; i < f->to; i++) {
		if (strcmp(f->name(i), v) == 0)
			return true;
	}
	return false;
}

void score_filter_values(const score_filter *f, strbuf *out)
{
	for (int i = f->from; i < f->to; i++)
		strbuf_addf(out, "%s%s", i > f->from ? ", " : "", f->name(i));
}
