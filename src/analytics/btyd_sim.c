/* btyd_sim.c: synthetic BG/NBD customers and Gamma-Gamma spend (btyd_sim.h). */
#include "analytics/btyd_sim.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static gsl_rng *rng_new(uint64_t seed)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	if (!g)
		abort(); /* out of memory, as xmalloc would */
	gsl_rng_set(g, (unsigned long)seed);
	return g;
}

void btyd_sim_bgnbd(const bgnbd_params *p, size_t n, const double *T, double horizon, uint64_t seed,
		    btyd_sim_out *out)
{
	gsl_rng *g = rng_new(seed);

	for (size_t i = 0; i < n; i++) {
		double lambda = gsl_ran_gamma(g, p->r, 1.0 / p->alpha);
		double drop = gsl_ran_beta(g, p->a, p->b);
		double t = 0, x = 0, tx = 0, fut = 0;
		bool alive = true;

		/* purchases while alive; a drop-out can only follow a purchase */
		while (alive && lambda > 0) {
			t += gsl_ran_exponential(g, 1.0 / lambda);
			if (t > T[i] + horizon)
				break;
			if (t > T[i]) {
				fut++;
			} else {
				x++;
				tx = t;
			}
			if (gsl_rng_uniform(g) < drop)
				alive = false;
		}
		out->x[i] = x;
		out->tx[i] = tx;
		if (out->alive) {
			/* alive at T unless the drop-out followed a purchase by T */
			out->alive[i] = alive || t > T[i] ? 1.0 : 0.0;
		}
		if (out->future)
			out->future[i] = fut;
	}
	gsl_rng_free(g);
}

void btyd_sim_spend(const gammagamma_params *p, size_t n, const double *x, uint64_t seed, double *m,
		    double *next)
{
	gsl_rng *g = rng_new(seed);

	for (size_t i = 0; i < n; i++) {
		double nu = gsl_ran_gamma(g, p->q, 1.0 / p->gamma);
		double k = floor(x[i]), sum = 0;
		for (double j = 0; j < k; j++)
			sum += gsl_ran_gamma(g, p->p, 1.0 / nu);
		m[i] = k >= 1 ? sum / k : 0;
		if (next)
			next[i] = gsl_ran_gamma(g, p->p, 1.0 / nu);
	}
	gsl_rng_free(g);
}
