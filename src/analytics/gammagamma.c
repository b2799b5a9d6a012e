/* gammagamma.c: Gamma-Gamma spend model: likelihood, maximum-likelihood fit
 * and conditional expected spend (Fader, Hardie and Lee 2005). */
#include "analytics/gammagamma.h"
#include "analytics/mle.h"
#include "core/xalloc.h"

#include <math.h>

/*
 * Per customer with x > 0 purchases of mean value m (FHL 2005, eq. 3, in logs):
 *   ll = lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log(gamma)
 *        + (p x - 1) log(m) + p x log(x) - (p x + q) log(x m + gamma)
 * Summed as written, the terms p x log(x m) and p x log(x m + gamma) are
 * each ~1e5 for x in the thousands while their difference is ~gamma / m:
 * the gradient then drowns in rounding. With L = log(1 + gamma / (x m)),
 *   ll = lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log(gamma)
 *        - (1 + q) log(m) - q log(x) - (p x + q) L,
 * where nothing large cancels. The lgamma terms are tabulated per distinct
 * x, the log(m), log(x) terms summed once, and the L of the rows sharing an
 * x summed as the log of a product, so few logs are left per evaluation.
 */

static double row_loglik(double p, double q, double g, double x, double m)
{
	return mle_lgamma(p * x + q) - mle_lgamma(p * x) - mle_lgamma(q) + q * log(g) -
	       (1 + q) * log(m) - q * log(x) - (p * x + q) * log1p(g / (x * m));
}

double gammagamma_loglik(const gammagamma_params *p, const gammagamma_data *d)
{
	double ll = 0;
	for (size_t i = 0; i < d->n; i++) {
		double w = d->w ? d->w[i] : 1.0;
		if (d->x[i] > 0 && d->m[i] > 0 && w > 0)
			ll += w * row_loglik(p->p, p->q, p->gamma, d->x[i], d->m[i]);
	}
	return ll;
}

typedef struct {
	double x, xm, inv_xm, w;
} row;

typedef struct {
	double x, w;
	size_t begin, end; /* its rows */
} level;

typedef struct {
	row *rows;
	size_t nrows;
	level *lev;
	size_t nlev;
	double wsum;
	double s_logm;	/* sum w log(m) */
	double s_logx;	/* sum w log(x) */
	double s_wx;	/* sum w x (for the start) */
	double skipped; /* weight of rows with x > 0 and m = 0 */
} prep;

static int cmp_row(const void *pa, const void *pb)
{
	const row *u = pa, *v = pb;
	return (u->x > v->x) - (u->x < v->x);
}

static status prep_build(prep *pp, const gammagamma_data *d, err *e)
{
	memset(pp, 0, sizeof(*pp));
	pp->rows = xmalloc((d->n + 1) * sizeof(*pp->rows));
	pp->lev = xmalloc((d->n + 1) * sizeof(*pp->lev));
	for (size_t i = 0; i < d->n; i++) {
		double x = d->x[i], m = d->m[i], w = d->w ? d->w[i] : 1.0;
		if (!isfinite(x) || x < 0)
			return err_set(e, E_INVAL, "Gamma-Gamma row %zu: x (%g) must be >= 0", i,
				       x);
		if (!isfinite(w) || w < 0)
			return err_set(e, E_INVAL, "Gamma-Gamma row %zu: weight (%g) must be >= 0",
				       i, w);
		if (x == 0 || w == 0)
			continue;
		if (!isfinite(m) || m < 0)
			return err_set(e, E_INVAL,
				       "Gamma-Gamma row %zu: mean spend (%g) must be >= 0 for a "
				       "customer with repeat purchases",
				       i, m);
		if (m == 0) {
			pp->skipped += w;
			continue;
		}
		pp->rows[pp->nrows++] = (row){.x = x, .xm = x * m, .inv_xm = 1 / (x * m), .w = w};
		pp->wsum += w;
		pp->s_logm += w * log(m);
		pp->s_logx += w * log(x);
		pp->s_wx += w * x;
	}
	if (pp->nrows == 0)
		return err_set(e, E_INVAL, "Gamma-Gamma: no customer with repeat purchases to fit");
	qsort(pp->rows, pp->nrows, sizeof(*pp->rows), cmp_row);
	for (size_t i = 0; i < pp->nrows; i++) {
		if (pp->nlev == 0 || pp->lev[pp->nlev - 1].x != pp->rows[i].x)
			pp->lev[pp->nlev++] = (level){.x = pp->rows[i].x, .w = 0, .begin = i};
		pp->lev[pp->nlev - 1].w += pp->rows[i].w;
		pp->lev[pp->nlev - 1].end = i + 1;
	}
	return E_OK;
}

static void prep_release(prep *pp)
{
	free(pp->rows);
	free(pp->lev);
}

/* Negative mean log-likelihood at th = log(p, q, gamma) and its gradient. */
static double objective(void *ctx, const double *th, double *g)
{
	const prep *pp = ctx;
	double p = exp(th[0]), q = exp(th[1]), ga = exp(th[2]);
	double W = pp->wsum, lga = log(ga);
	double ll = W * (q * lga - mle_lgamma(q)) - (1 + q) * pp->s_logm - q * pp->s_logx;
	double dp = 0, dq = 0, dg = 0;

	if (g) {
		dq = W * (lga - mle_digamma(q)) - pp->s_logm - pp->s_logx;
		dg = W * q / ga;
	}
	for (size_t k = 0; k < pp->nlev; k++) {
		const level *lv = &pp->lev[k];
		double x = lv->x, w = lv->w, kx = p * x + q;
		double sl = 0, sd = 0, prod = 1;

		ll += w * (mle_lgamma(kx) - mle_lgamma(p * x));
		if (g) {
			double pk = mle_digamma(kx);
			dp += w * x * (pk - mle_digamma(p * x));
			dq += w * pk;
		}
		/* sl = sum of w L over the level's rows. Unit-weight rows multiply
		 * their (1 + u) and take one log when the product grows large:
		 * logs are most of the cost, and the absolute error (what p x
		 * multiplies) stays ~1e-16 per row either way. */
		for (size_t i = lv->begin; i < lv->end; i++) {
			const row *rw = &pp->rows[i];
			double u1 = 1.0 + ga * rw->inv_xm;
			if (rw->w == 1 && u1 < 1e50) { /* prod stays below 1e300 */
				prod *= u1;
				if (prod > 1e250) {
					sl += log(prod);
					prod = 1;
				}
			} else {
				sl += rw->w * log(u1);
			}
			if (g)
				sd += rw->w / (rw->xm + ga);
		}
		sl += log(prod);
		ll -= kx * sl;
		if (g) {
			dp -= x * sl;
			dq -= sl;
			dg -= kx * sd;
		}
	}

	double f = -ll / W;
	if (g) {
		g[0] = -p * dp / W;
		g[1] = -q * dq / W;
		g[2] = -ga * dg / W;
	}
	return mle_finite_or_inf(f, g, 3);
}

status gammagamma_fit(const gammagamma_data *d, const gammagamma_options *opt,
		      gammagamma_fit_result *out, err *e)
{
	gammagamma_options o = opt ? *opt : (gammagamma_options){0};
	prep pp;
	mle_result mr;
	status rc;

	memset(out, 0, sizeof(*out));
	if ((rc = prep_build(&pp, d, e)))
		goto out;
	gammagamma_params st = o.start;
	if (!(st.p > 0 && st.q > 0 && st.gamma > 0)) {
		/* with p = 1, q = 2 the population mean p gamma / (q - 1) is gamma:
		 * start it at the observed mean spend */
		double s = 0;
		for (size_t i = 0; i < pp.nrows; i++)
			s += pp.rows[i].w * pp.rows[i].xm;
		st = (gammagamma_params){.p = 1, .q = 2, .gamma = s / pp.s_wx};
	}
	double start[3] = { st.p, st.q, st.gamma }, est[3], se[3];
	if (!mle_fit_positive(objective, &pp, start, 3, o.max_iter, o.grad_tol, pp.wsum, est, se,
			      &mr)) {
		rc = err_set(e, E_INVAL,
			     "Gamma-Gamma: the likelihood is not finite at the start "
			     "point (p %g, q %g, gamma %g)",
			     st.p, st.q, st.gamma);
		goto out;
	}
	out->p = (gammagamma_params){ .p = est[0], .q = est[1], .gamma = est[2] };
	out->se = (gammagamma_params){ .p = se[0], .q = se[1], .gamma = se[2] };
	out->loglik = -mr.f * pp.wsum;
	out->customers = pp.wsum;
	out->skipped = pp.skipped;
	out->iterations = mr.iterations;
	out->evaluations = mr.evaluations;
	out->converged = mr.converged;
	out->grad_norm = mr.grad_norm;
	if (!out->converged)
		rc = err_set(e, E_INVAL,
			     "Gamma-Gamma fit did not converge in %d iterations (gradient norm "
			     "%.3g, p %.4g, q %.4g, gamma %.4g): too few repeat buyers, or spend "
			     "that does not look gamma-distributed",
			     out->iterations, out->grad_norm, out->p.p, out->p.q, out->p.gamma);
out:
	prep_release(&pp);
	return rc;
}

double gammagamma_expected_spend(const gammagamma_params *p, double x, double m)
{
	double den = p->p * x + p->q - 1;
	if (!(den > 0))
		return NAN;
	return p->p * (p->gamma + (x > 0 ? x * m : 0)) / den;
}

void gammagamma_expected_spend_all(const gammagamma_params *p, const gammagamma_data *d,
				   double *out)
{
	for (size_t i = 0; i < d->n; i++)
		out[i] = gammagamma_expected_spend(p, d->x[i], d->m[i]);
}
