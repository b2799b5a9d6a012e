/* rfm.c: RFM values per customer, quintile scores and the segment grid. */
#include "analytics/rfm.h"
#include "analytics/parallel.h"
#include "analytics/radix.h"
#include "core/xalloc.h"

#define S_NEW RFM_NEW
#define S_PL RFM_POTENTIAL_LOYALIST
#define S_CH RFM_CHAMPIONS
#define S_PR RFM_PROMISING
#define S_LO RFM_LOYAL
#define S_AS RFM_ABOUT_TO_SLEEP
#define S_NA RFM_NEED_ATTENTION
#define S_HI RFM_HIBERNATING
#define S_AR RFM_AT_RISK
#define S_CL RFM_CANT_LOSE
#define S_LT RFM_LOST

/* [R - 1][FM - 1]: the grid drawn in rfm.h, R = 1 on the first row. */
static const uint8_t segment_grid[5][5] = {
	{ S_LT, S_HI, S_AR, S_AR, S_CL }, /* R = 1 */
	{ S_HI, S_HI, S_AR, S_AR, S_CL }, /* R = 2 */
	{ S_AS, S_AS, S_NA, S_LO, S_LO }, /* R = 3 */
	{ S_PR, S_PL, S_PL, S_LO, S_LO }, /* R = 4 */
	{ S_NEW, S_PL, S_PL, S_CH, S_CH }, /* R = 5 */
};

static const struct {
	const char *name, *label;
} segments[RFM__COUNT] = {
	[RFM_NONE] = { "none", "Not scored" },
	[RFM_CHAMPIONS] = { "champions", "Champions" },
	[RFM_LOYAL] = { "loyal", "Loyal" },
	[RFM_POTENTIAL_LOYALIST] = { "potential_loyalist", "Potential Loyalist" },
	[RFM_NEW] = { "new", "New" },
	[RFM_PROMISING] = { "promising", "Promising" },
	[RFM_NEED_ATTENTION] = { "need_attention", "Need Attention" },
	[RFM_ABOUT_TO_SLEEP] = { "about_to_sleep", "About to Sleep" },
	[RFM_AT_RISK] = { "at_risk", "At Risk" },
	[RFM_CANT_LOSE] = { "cant_lose", "Can't Lose Them" },
	[RFM_HIBERNATING] = { "hibernating", "Hibernating" },
	[RFM_LOST] = { "lost", "Lost" },
};

rfm_segment rfm_segment_of(int r, int f, int m)
{
	if (r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5)
		return RFM_NONE;
	return (rfm_segment)segment_grid[r - 1][(f + m + 1) / 2 - 1];
}

const char *rfm_segment_name(rfm_segment seg)
{
	return (unsigned)seg < RFM__COUNT ? segments[seg].name : "none";
}

const char *rfm_segment_label(rfm_segment seg)
{
	return (unsigned)seg < RFM__COUNT ? segments[seg].label : "Not scored";
}

typedef struct {
	const snapshot *s;
	rfm_result *out;
} agg_ctx;

static void aggregate_chunk(void *arg, size_t begin, size_t end, int worker)
{
	agg_ctx *x = arg;
	const snapshot *s = x->s;
	rfm_result *o = x->out;
	int32_t as_of = o->as_of;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t a = s->order_start[c], z = s->order_start[c + 1];
		int64_t net = 0;

		/* Orders are sorted by day: drop the ones on or after as_of. */
		while (z > a && s->order_day[z - 1] >= as_of)
			z--;
		o->frequency[c] = (int32_t)(z - a);
		if (z == a) {
			o->recency[c] = -1;
			o->monetary[c] = 0;
			continue;
		}
		o->recency[c] = as_of - s->order_day[z - 1];
		for (int64_t i = a; i < z; i++)
			net += s->order_total[i];
		for (int64_t i = s->return_start[c]; i < s->return_start[c + 1]; i++) {
			if (s->return_day[i] >= as_of)
				break;
			net -= s->return_amount[i];
		}
		o->monetary[c] = net;
	}
}

typedef struct {
	const int64_t *v;
	const uint8_t *include;
	int64_t thr[6]; /* thr[s]: values above it score at least s (s = 2..5) */
	uint8_t *score;
} score_ctx;

static void score_chunk(void *arg, size_t begin, size_t end, int worker)
{
	score_ctx *x = arg;

	(void)worker;
	for (size_t i = begin; i < end; i++) {
		int s = 1;
		if (x->include && !x->include[i]) {
			x->score[i] = 0;
			continue;
		}
		for (int k = 2; k <= 5; k++)
			s += x->v[i] > x->thr[k];
		x->score[i] = (uint8_t)s;
	}
}

/* score(v) = 1 + floor(5 p / m) with p the number of values below v, so
 * score(v) >= s exactly when p >= q = ceil((s - 1) m / 5), that is when v
 * is above the q-th smallest value: four comparisons per customer instead
 * of a binary search. */
void rfm_quintiles(const int64_t *v, const uint8_t *include, size_t n, int threads,
		   uint8_t *score)
{
	int64_t *sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	int64_t *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (!include || include[i])
			sorted[m++] = v[i];
	}
	radix_sort_i64(sorted, m, tmp);
	free(tmp);
	if (m == 0) {
		memset(score, 0, n);
	} else {
		score_ctx x = { v, include, { 0 }, score };
		for (size_t s = 2; s <= 5; s++)
			x.thr[s] = sorted[((s - 1) * m + 4) / 5 - 1];
		parallel_for(threads, n, 16384, score_chunk, &x);
	}
	free(sorted);
}

typedef struct {
	rfm_result *out;
} seg_ctx;

static void segment_chunk(void *arg, size_t begin, size_t end, int worker)
{
	rfm_result *o = ((seg_ctx *)arg)->out;

	(void)worker;
	for (size_t i = begin; i < end; i++)
		o->segment[i] = (uint8_t)rfm_segment_of(o->r[i], o->f[i], o->m[i]);
}

void rfm_compute(const snapshot *s, int32_t as_of, int threads, rfm_result *out)
{
	size_t n = (size_t)s->n_customers, alloc = n ? n : 1;
	int64_t *key = xmalloc(alloc * sizeof(*key));
	uint8_t *scored = xmalloc(alloc);

	memset(out, 0, sizeof(*out));
	out->n = s->n_customers;
	out->as_of = as_of;
	out->recency = xmalloc(alloc * sizeof(*out->recency));
	out->frequency = xmalloc(alloc * sizeof(*out->frequency));
	out->monetary = xmalloc(alloc * sizeof(*out->monetary));
	out->r = xmalloc(alloc);
	out->f = xmalloc(alloc);
	out->m = xmalloc(alloc);
	out->segment = xmalloc(alloc);

	agg_ctx ax = { s, out };
	parallel_for(threads, n, 16384, aggregate_chunk, &ax);

	for (size_t i = 0; i < n; i++) {
		scored[i] = out->frequency[i] > 0;
		out->n_scored += scored[i];
		key[i] = -(int64_t)out->recency[i]; /* recent ranks high */
	}
	rfm_quintiles(key, scored, n, threads, out->r);
	for (size_t i = 0; i < n; i++)
		key[i] = out->frequency[i];
	rfm_quintiles(key, scored, n, threads, out->f);
	rfm_quintiles(out->monetary, scored, n, threads, out->m);

	seg_ctx sx = { out };
	parallel_for(threads, n, 16384, segment_chunk, &sx);
	free(key);
	free(scored);
}

void rfm_result_release(rfm_result *r)
{
	if (!r)
		return;
	free(r->recency);
	free(r->frequency);
	free(r->monetary);
	free(r->r);
	free(r->f);
	free(r->m);
	free(r->segment);
	memset(r, 0, sizeof(*r));
}

void rfm_summarize(const rfm_result *r, rfm_summary *out)
{
	memset(out, 0, sizeof(*out));
	for (int32_t i = 0; i < r->n; i++) {
		unsigned seg = r->segment[i] < RFM__COUNT ? r->segment[i] : RFM_NONE;
		out->customers[seg]++;
		out->monetary[seg] += r->monetary[i];
		out->orders[seg] += r->frequency[i];
	}
}
