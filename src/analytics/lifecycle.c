/* lifecycle.c: lifecycle stages by the rules in lifecycle.h. */
#include "analytics/lifecycle.h"
#include "analytics/parallel.h"
#include "analytics/radix.h"
#include "core/xalloc.h"

#include <math.h>

/* The parameters, their config keys and defaults, in one table. */
static const struct {
	const char *key;
	size_t off;
	bool is_int;
	double def, min, max;
} params[] = {
	{ "lifecycle_new_days", offsetof(lifecycle_params, new_days), true, 90, 0, 36500 },
	{ "lifecycle_new_max_orders", offsetof(lifecycle_params, new_max_orders), true, 1, 0, 1e9 },
	{ "lifecycle_churn_factor", offsetof(lifecycle_params, churn_factor), false, 3.0, 0, 1e6 },
	{ "lifecycle_churn_min_days", offsetof(lifecycle_params, churn_min_days), true, 180, 0,
	  36500 },
	{ "lifecycle_churn_p_alive", offsetof(lifecycle_params, churn_p_alive), false, 0.1, 0, 1 },
	{ "lifecycle_trend_days", offsetof(lifecycle_params, trend_days), true, 180, 1, 36500 },
	{ "lifecycle_growth_ratio", offsetof(lifecycle_params, growth_ratio), false, 1.25, 0, 1e6 },
	{ "lifecycle_decline_ratio", offsetof(lifecycle_params, decline_ratio), false, 0.75, 0,
	  1e6 },
	{ "lifecycle_trend_by_orders", offsetof(lifecycle_params, trend_by_orders), true, 0, 0, 1 },
};

void lifecycle_params_default(lifecycle_params *p, const config *cfg)
{
	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		char *field = (char *)p + params[i].off;
		if (params[i].is_int)
			*(int64_t *)field = config_int(cfg, "analytics", params[i].key,
						       (int64_t)params[i].def);
		else
			*(double *)field =
				config_double(cfg, "analytics", params[i].key, params[i].def);
	}
}

status lifecycle_params_check(const lifecycle_params *p, err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		const char *field = (const char *)p + params[i].off;
		double v = params[i].is_int ? (double)*(const int64_t *)field
					    : *(const double *)field;
		if (!(v >= params[i].min && v <= params[i].max))
			return err_set(e, E_INVAL, "[analytics] %s = %g is out of range (%g to %g)",
				       params[i].key, v, params[i].min, params[i].max);
	}
	if (p->decline_ratio > p->growth_ratio)
		return err_set(e, E_INVAL,
			       "[analytics] lifecycle_decline_ratio (%g) is above "
			       "lifecycle_growth_ratio (%g)",
			       p->decline_ratio, p->growth_ratio);
	return E_OK;
}

const char *lifecycle_stage_name(lifecycle_stage st)
{
	static const char *const names[LIFECYCLE__COUNT] = {
		[LIFECYCLE_PROSPECT] = "prospect", [LIFECYCLE_NEW] = "new",
		[LIFECYCLE_GROWING] = "growing",   [LIFECYCLE_MATURE] = "mature",
		[LIFECYCLE_DECLINING] = "declining", [LIFECYCLE_CHURNED] = "churned",
	};
	return (unsigned)st < LIFECYCLE__COUNT ? names[st] : "prospect";
}

/* IPT is kept in thousandths of a day so the median sorts as integers. */
#define MILLI 1000

typedef struct {
	const snapshot *s;
	int32_t as_of;
	const lifecycle_params *p;
	const double *p_alive;
	int64_t *ipt_milli; /* pass 1: per customer, -1 when n < 2 */
	int64_t median_milli;
	uint8_t *stage;
	uint8_t *by_p_alive; /* pass 2: churned by the P(alive) test alone */
} lc_ctx;

/* Orders before as_of of customer c: [a, *z). */
static int64_t orders_before(const snapshot *s, size_t c, int32_t as_of, int64_t *z)
{
	int64_t a = s->order_start[c], end = s->order_start[c + 1];
	while (end > a && s->order_day[end - 1] >= as_of)
		end--;
	*z = end;
	return a;
}

static void ipt_chunk(void *arg, size_t begin, size_t end, int worker)
{
	lc_ctx *x = arg;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t z, a = orders_before(x->s, c, x->as_of, &z);
		int64_t n = z - a;
		x->ipt_milli[c] =
			n >= 2 ? (int64_t)(x->s->order_day[z - 1] - x->s->order_day[a]) * MILLI / (n - 1)
			       : -1;
	}
}

static lifecycle_stage by_trend(const lc_ctx *x, int64_t a, int64_t z, int64_t tenure)
{
	const snapshot *s = x->s;
	const lifecycle_params *p = x->p;
	int64_t w = tenure / 2 < p->trend_days ? tenure / 2 : p->trend_days;
	int64_t split = x->as_of - w;
	double recent = 0, earlier = 0, ratio;

	if (w < 1)
		return LIFECYCLE_GROWING;
	for (int64_t i = a; i < z; i++) {
		double v = p->trend_by_orders ? 1.0 : (double)s->order_total[i];
		if (s->order_day[i] >= split)
			recent += v;
		else
			earlier += v;
	}
	if (earlier <= 0)
		return recent > 0 ? LIFECYCLE_GROWING : LIFECYCLE_MATURE;
	ratio = (recent / (double)w) / (earlier / (double)(tenure - w));
	if (ratio >= p->growth_ratio)
		return LIFECYCLE_GROWING;
	if (ratio <= p->decline_ratio)
		return LIFECYCLE_DECLINING;
	return LIFECYCLE_MATURE;
}

static void stage_chunk(void *arg, size_t begin, size_t end, int worker)
{
	lc_ctx *x = arg;
	const snapshot *s = x->s;
	const lifecycle_params *p = x->p;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t z, a = orders_before(s, c, x->as_of, &z);
		int64_t n = z - a, tenure, silence, ipt_milli;
		double limit;
		bool p_dead;

		x->by_p_alive[c] = 0;
		if (n == 0) {
			x->stage[c] = LIFECYCLE_PROSPECT;
			continue;
		}
		tenure = x->as_of - s->order_day[a];
		silence = x->as_of - s->order_day[z - 1];
		ipt_milli = x->ipt_milli[c] >= 0 ? x->ipt_milli[c] : x->median_milli;
		limit = p->churn_factor * (double)ipt_milli / MILLI;
		if (limit < (double)p->churn_min_days)
			limit = (double)p->churn_min_days;
		p_dead = x->p_alive && !isnan(x->p_alive[c]) && x->p_alive[c] < p->churn_p_alive;
		if ((double)silence > limit || p_dead) {
			x->stage[c] = LIFECYCLE_CHURNED;
			x->by_p_alive[c] = (double)silence <= limit;
		} else if (tenure <= p->new_days && n <= p->new_max_orders) {
			x->stage[c] = LIFECYCLE_NEW;
		} else {
			x->stage[c] = (uint8_t)by_trend(x, a, z, tenure);
		}
	}
}

void lifecycle_classify(const snapshot *s, int32_t as_of, const lifecycle_params *p,
			const double *p_alive, int threads, uint8_t *stage,
			lifecycle_summary *summary)
{
	size_t n = (size_t)s->n_customers, alloc = n ? n : 1, m = 0;
	lc_ctx x = { s, as_of, p, p_alive, xmalloc(alloc * sizeof(int64_t)), 0, stage,
		     xmalloc(alloc) };
	int64_t *ipts = xmalloc(alloc * sizeof(int64_t));
	int64_t *tmp = xmalloc(alloc * sizeof(int64_t));

	parallel_for(threads, n, 16384, ipt_chunk, &x);
	for (size_t c = 0; c < n; c++) {
		if (x.ipt_milli[c] >= 0)
			ipts[m++] = x.ipt_milli[c];
	}
	radix_sort_i64(ipts, m, tmp);
	x.median_milli = m ? ipts[(m - 1) / 2] : 0;
	free(ipts);
	free(tmp);

	parallel_for(threads, n, 16384, stage_chunk, &x);
	if (summary) {
		memset(summary, 0, sizeof(*summary));
		summary->median_ipt_days = (double)x.median_milli / MILLI;
		for (size_t c = 0; c < n; c++) {
			summary->customers[stage[c]]++;
			summary->churned_by_p_alive += x.by_p_alive[c];
		}
	}
	free(x.ipt_milli);
	free(x.by_p_alive);
}
