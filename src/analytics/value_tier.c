/* value_tier.c: profit per customer and the Pareto tiers over it. */
#include "analytics/value_tier.h"
#include "analytics/parallel.h"
#include "analytics/radix.h"
#include "core/xalloc.h"

#include <math.h>

void value_tier_params_default(value_tier_params *p, const config *cfg)
{
	p->key_share = config_double(cfg, "analytics", "key_share", 0.80);
	p->normal_share = config_double(cfg, "analytics", "normal_share", 0.15);
}

status value_tier_params_check(const value_tier_params *p, err *e)
{
	if (!(p->key_share >= 0 && p->normal_share >= 0 &&
	      p->key_share + p->normal_share <= 1.0 + 1e-9))
		return err_set(e, E_INVAL,
			       "value tiers: key_share (%g) and normal_share (%g) must be "
			       "between 0 and 1 and add up to at most 1",
			       p->key_share, p->normal_share);
	return E_OK;
}

const char *value_tier_name(value_tier t)
{
	static const char *const names[VALUE_TIER__COUNT] = {
		[VALUE_TIER_NONE] = "none",
		[VALUE_TIER_KEY] = "key",
		[VALUE_TIER_NORMAL] = "normal",
		[VALUE_TIER_SMALL] = "small",
	};
	return (unsigned)t < VALUE_TIER__COUNT ? names[t] : "none";
}

typedef struct {
	const snapshot *s;
	int32_t as_of;
	int64_t *profit;
	uint8_t *has_orders;
} profit_ctx;

static void profit_chunk(void *arg, size_t begin, size_t end, int worker)
{
	profit_ctx *x = arg;
	const snapshot *s = x->s;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t total = 0, margin = 0, returned = 0, i;

		for (i = s->order_start[c]; i < s->order_start[c + 1]; i++) {
			if (s->order_day[i] >= x->as_of)
				break;
			total += s->order_total[i];
			margin += s->order_margin[i];
		}
		if (x->has_orders)
			x->has_orders[c] = i > s->order_start[c];
		for (i = s->return_start[c]; i < s->return_start[c + 1]; i++) {
			if (s->return_day[i] >= x->as_of)
				break;
			returned += s->return_amount[i];
		}
		if (total > 0)
			x->profit[c] = margin - (int64_t)((__int128)returned * margin / total);
		else
			x->profit[c] = margin - returned;
	}
}

void value_tier_profit(const snapshot *s, int32_t as_of, int threads, int64_t *profit,
		       uint8_t *has_orders)
{
	profit_ctx x = { s, as_of, profit, has_orders };
	parallel_for(threads, (size_t)s->n_customers, 16384, profit_chunk, &x);
}

/* The smallest profit whose rank position (descending) has the profit
 * before it below ppm / 1e6 of `total`; INT64_MAX when no position has. */
static int64_t share_boundary(const int64_t *asc, size_t m, int64_t total, int64_t ppm)
{
	int64_t before = 0, boundary = INT64_MAX;

	for (size_t k = m; k-- > 0;) {
		if ((__int128)before * 1000000 >= (__int128)ppm * total)
			break;
		boundary = asc[k];
		before += asc[k];
	}
	return boundary;
}

void value_tier_assign(const int64_t *profit, const uint8_t *has_orders, size_t n,
		       const value_tier_params *p, uint8_t *tier, value_tier_summary *summary)
{
	int64_t *pos = xmalloc((n ? n : 1) * sizeof(*pos));
	int64_t *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));
	int64_t total = 0, key_min, normal_min;
	int64_t key_ppm = llround(p->key_share * 1e6);
	int64_t cum_ppm = llround((p->key_share + p->normal_share) * 1e6);
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if ((!has_orders || has_orders[i]) && profit[i] > 0) {
			pos[m++] = profit[i];
			total += profit[i];
		}
	}
	radix_sort_i64(pos, m, tmp);
	key_min = share_boundary(pos, m, total, key_ppm);
	normal_min = share_boundary(pos, m, total, cum_ppm);
	free(pos);
	free(tmp);

	if (summary) {
		memset(summary, 0, sizeof(*summary));
		summary->positive_profit = total;
		summary->key_min_profit = key_min == INT64_MAX ? 0 : key_min;
		summary->normal_min_profit = normal_min == INT64_MAX ? 0 : normal_min;
	}
	for (size_t i = 0; i < n; i++) {
		value_tier t;
		if (has_orders && !has_orders[i])
			t = VALUE_TIER_NONE;
		else if (profit[i] <= 0)
			t = VALUE_TIER_SMALL;
		else if (key_min != INT64_MAX && profit[i] >= key_min)
			t = VALUE_TIER_KEY;
		else if (normal_min != INT64_MAX && profit[i] >= normal_min)
			t = VALUE_TIER_NORMAL;
		else
			t = VALUE_TIER_SMALL;
		tier[i] = (uint8_t)t;
		if (summary) {
			summary->customers[t]++;
			if (t != VALUE_TIER_NONE) {
				summary->profit[t] += profit[i];
				summary->total_profit += profit[i];
			}
		}
	}
}
