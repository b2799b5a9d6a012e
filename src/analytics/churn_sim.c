/* churn_sim.c: a synthetic shop with planted churn (churn_sim.h). */
#include "analytics/churn_sim.h"
#include "core/xalloc.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

void churn_sim_default(churn_sim_params *p, size_t n)
{
	*p = (churn_sim_params){.n = n,
				.first_day = 9862,
				.days = 820,
				.rate_mean = 0.01,
				.rate_shape = 1.5,
				.life_mean = 300,
				.fade_share = 0.4,
				.fade_factor = 0.3,
				.fade_days = 120,
				.return_prob = 0.08,
				.contact_rate = 0.004,
				.complaint_prob = 0.1};
}

/* Event counts and the capacity of their columns while simulating. */
typedef struct {
	size_t orders, returns, interactions;
	size_t cap_o, cap_r, cap_i;
} counts;

/* The capacity after growing `cap` to hold one more than `used`. */
static size_t grown(size_t used, size_t cap)
{
	return used < cap ? cap : cap ? 2 * cap : 1024;
}

static void add_order(churn_sim_data *d, counts *k, gsl_rng *g, int32_t day, double mean_amount,
		      double return_prob)
{
	double amount = round(gsl_ran_lognormal(g, log(mean_amount), 0.4));
	size_t cap = grown(k->orders, k->cap_o);

	if (cap != k->cap_o) {
		d->order_day = xrealloc(d->order_day, cap * sizeof(int32_t));
		d->order_amount = xrealloc(d->order_amount, cap * sizeof(int64_t));
		d->order_margin = xrealloc(d->order_margin, cap * sizeof(int64_t));
		k->cap_o = cap;
	}
	d->order_day[k->orders] = day;
	d->order_amount[k->orders] = (int64_t)amount;
	d->order_margin[k->orders] =
		(int64_t)round(amount * (0.3 + 0.1 * (gsl_rng_uniform(g) - 0.5)));
	k->orders++;
	if (gsl_rng_uniform(g) >= return_prob)
		return;
	if ((cap = grown(k->returns, k->cap_r)) != k->cap_r) {
		d->return_day = xrealloc(d->return_day, cap * sizeof(int32_t));
		d->return_amount = xrealloc(d->return_amount, cap * sizeof(int64_t));
		k->cap_r = cap;
	}
	d->return_day[k->returns] = day + 1 + (int32_t)gsl_rng_uniform_int(g, 30);
	d->return_amount[k->returns] = (int64_t)amount;
	k->returns++;
}

static void add_interaction(churn_sim_data *d, counts *k, gsl_rng *g, int32_t day, double complaint)
{
	size_t cap = grown(k->interactions, k->cap_i);

	if (cap != k->cap_i) {
		d->interaction_day = xrealloc(d->interaction_day, cap * sizeof(int32_t));
		d->interaction_channel = xrealloc(d->interaction_channel, cap);
		d->interaction_flags = xrealloc(d->interaction_flags, cap);
		k->cap_i = cap;
	}
	d->interaction_day[k->interactions] = day;
	d->interaction_channel[k->interactions] = (uint8_t)gsl_rng_uniform_int(g, 3);
	d->interaction_flags[k->interactions] =
		gsl_rng_uniform(g) < complaint ? CHURN_INTERACTION_COMPLAINT : 0;
	k->interactions++;
}

void churn_sim_run(const churn_sim_params *p, uint64_t seed, churn_sim_data *out)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	counts k = {0};
	size_t n = p->n;
	double end = p->first_day + p->days; /* events on days < end */

	if (!g)
		abort(); /* out of memory, as xmalloc would */
	gsl_rng_set(g, (unsigned long)seed);
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->order_start = xcalloc(n + 1, sizeof(int64_t));
	out->return_start = xcalloc(n + 1, sizeof(int64_t));
	out->interaction_start = xcalloc(n + 1, sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		double start = p->first_day + floor(gsl_rng_uniform(g) * 0.8 * p->days);
		double rate = gsl_ran_gamma(g, p->rate_shape, p->rate_mean / p->rate_shape);
		double leave = start + gsl_ran_exponential(g, p->life_mean);
		bool fades = gsl_rng_uniform(g) < p->fade_share;
		double fade_from = fades ? leave - p->fade_days : INFINITY;
		double mean_amount = gsl_ran_lognormal(g, log(5000), 0.5);
		size_t r0 = k.returns;

		add_order(out, &k, g, (int32_t)start, mean_amount, p->return_prob);
		/* thinning: draw at the full rate, keep with the fading factor */
		for (double t = start;;) {
			t += gsl_ran_exponential(g, 1 / rate);
			if (t >= leave || t >= end)
				break;
			if (t >= fade_from && gsl_rng_uniform(g) >= p->fade_factor)
				continue;
			add_order(out, &k, g, (int32_t)t, mean_amount, p->return_prob);
		}
		for (double t = start;;) {
			t += gsl_ran_exponential(g, 1 / p->contact_rate);
			if (t >= leave + 30 || t >= end)
				break;
			add_interaction(out, &k, g, (int32_t)t,
					t >= fade_from ? 4 * p->complaint_prob : p->complaint_prob);
		}
		/* returns that would fall after the end of the data never happen */
		size_t r = r0;
		for (size_t j = r0; j < k.returns; j++)
			if (out->return_day[j] < end) {
				out->return_day[r] = out->return_day[j];
				out->return_amount[r++] = out->return_amount[j];
			}
		k.returns = r;
		out->order_start[i + 1] = (int64_t)k.orders;
		out->return_start[i + 1] = (int64_t)k.returns;
		out->interaction_start[i + 1] = (int64_t)k.interactions;
	}
	gsl_rng_free(g);
}

void churn_sim_events(const churn_sim_data *d, churn_events *ev)
{
	*ev = (churn_events){.n = d->n,
			     .order_start = d->order_start,
			     .order_day = d->order_day,
			     .order_amount = d->order_amount,
			     .order_margin = d->order_margin,
			     .return_start = d->return_start,
			     .return_day = d->return_day,
			     .return_amount = d->return_amount,
			     .interaction_start = d->interaction_start,
			     .interaction_day = d->interaction_day,
			     .interaction_channel = d->interaction_channel,
			     .interaction_flags = d->interaction_flags,
			     .n_channels = 3};
}

void churn_sim_release(churn_sim_data *d)
{
	if (!d)
		return;
	free(d->order_start);
	free(d->return_start);
	free(d->interaction_start);
	free(d->order_day);
	free(d->return_day);
	free(d->interaction_day);
	free(d->order_amount);
	free(d->order_margin);
	free(d->return_amount);
	free(d->interaction_channel);
	free(d->interaction_flags);
	memset(d, 0, sizeof(*d));
}
