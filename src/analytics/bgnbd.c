/* bgnbd.c: BG/NBD likelihood, its maximum-likelihood fit and the model's
 * predictions (Fader, Hardie and Lee 2005). */
#include "analytics/bgnbd.h"
#include "analytics/mle.h"
#include "core/xalloc.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_hyperg.h>

/*
 * Per customer (FHL 2005, eq. 6, in logs):
 *   ll = A1 + A2 + log(exp(A3) + [x > 0] exp(A4))
 *   A1 = lgamma(r + x) - lgamma(r) + r log(alpha)
 *   A2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x)
 *   A3 = -(r + x) log(alpha + T)
 *   A4 = log(a) - log(b + x - 1) - (r + x) log(alpha + tx)
 * A1 and A2 depend on the row only through x, and A3, A4 only through
 * log(alpha + time); so the fit tabulates those per distinct x and per
 * distinct time value, and a row costs one exp (and one log per 64 rows).
 */

/* log(exp(u) + exp(v)) without overflow. */
static double logaddexp(double u, double v)
{
	double hi = u > v ? u : v, lo = u > v ? v : u;
	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(lo - hi));
}

double bgnbd_loglik(const bgnbd_params *p, const bgnbd_data *d)
{
	double r = p->r, al = p->alpha, a = p->a, b = p->b;
	double base = -mle_lgamma(r) + r * log(al) + mle_lgamma(a + b) - mle_lgamma(b);
	double ll = 0;

	for (size_t i = 0; i < d->n; i++) {
		double x = d->x[i], w = d->w ? d->w[i] : 1.0;
		double a12 = base + mle_lgamma(r + x) + mle_lgamma(b + x) - mle_lgamma(a + b + x);
		double a3 = -(r + x) * log(al + d->T[i]);
		double l = a3;

		if (w == 0)
			continue;
		if (x > 0)
			l = logaddexp(a3, log(a) - log(b + x - 1) - (r + x) * log(al + d->tx[i]));
		ll += w * (a12 + l);
	}
	return ll;
}

/* ---- the fit ---------------------------------------------------------- */

typedef struct {
	double x, tx, T, w;
	uint32_t lev; /* index into the distinct-x table */
	uint32_t itx; /* index of tx in the distinct-time table (x > 0 only) */
	uint32_t iT;  /* index of T */
} row;

typedef struct {
	double x; /* the distinct value */
	double w; /* total weight of rows with this x */
} level;

/* Everything the objective needs, prepared once per fit. */
typedef struct {
	row *rows;
	size_t nrows;
	level *lev;
	size_t nlev;
	double *times; /* distinct values of T and of tx (x > 0) */
	size_t ntimes;
	double wsum;
	/* scratch, rewritten by every evaluation */
	double *lt;  /* log(alpha + times[j]) */
	double *it;  /* 1 / (alpha + times[j]) */
	double *la4; /* per level: log(a) - log(b + x - 1) */
} prep;

static int cmp_row(const void *pa, const void *pb)
{
	const row *u = pa, *v = pb;
	if (u->x != v->x)
		return u->x < v->x ? -1 : 1;
	if (u->tx != v->tx)
		return u->tx < v->tx ? -1 : 1;
	if (u->T != v->T)
		return u->T < v->T ? -1 : 1;
	return 0;
}

static int cmp_double(const void *pa, const void *pb)
{
	double u = *(const double *)pa, v = *(const double *)pb;
	return u < v ? -1 : u > v;
}

static uint32_t time_index(const prep *pp, double t)
{
	size_t lo = 0, hi = pp->ntimes;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (pp->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

static status check_rows(const bgnbd_data *d, err *e)
{
	if (d->n == 0)
		return err_set(e, E_INVAL, "BG/NBD: no customers to fit");
	if (d->n > UINT32_MAX / 2)
		return err_set(e, E_TOOBIG, "BG/NBD: %zu customers is more than this fit handles",
			       d->n);
	for (size_t i = 0; i < d->n; i++) {
		double x = d->x[i], tx = d->tx[i], T = d->T[i], w = d->w ? d->w[i] : 1.0;
		if (!isfinite(x) || x < 0 || (x > 0 && x < 1))
			return err_set(e, E_INVAL, "BG/NBD row %zu: x (%g) must be 0 or at least 1",
				       i, x);
		if (!isfinite(T) || T < 0)
			return err_set(e, E_INVAL, "BG/NBD row %zu: T (%g) must be >= 0", i, T);
		if (!isfinite(tx) || tx < 0 || tx > T)
			return err_set(e, E_INVAL,
				       "BG/NBD row %zu: t_x (%g) must lie between 0 and T (%g)", i,
				       tx, T);
		if (!isfinite(w) || w < 0)
			return err_set(e, E_INVAL, "BG/NBD row %zu: weight (%g) must be >= 0", i,
				       w);
	}
	return E_OK;
}

/* Merges identical rows and builds the x and time tables. O(n log n). */
static void prep_build(prep *pp, const bgnbd_data *d)
{
	row *rs = xmalloc(d->n * sizeof(*rs));
	size_t n = 0;

	memset(pp, 0, sizeof(*pp));
	for (size_t i = 0; i < d->n; i++) {
		double w = d->w ? d->w[i] : 1.0;
		if (w == 0)
			continue;
		/* tx carries no information when x = 0: fold all such rows by T */
		rs[n++] =
			(row){.x = d->x[i], .tx = d->x[i] > 0 ? d->tx[i] : 0, .T = d->T[i], .w = w};
	}
	qsort(rs, n, sizeof(*rs), cmp_row);

	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && cmp_row(&rs[m - 1], &rs[i]) == 0)
			rs[m - 1].w += rs[i].w;
		else
			rs[m++] = rs[i];
	}
	pp->rows = rs;
	pp->nrows = m;

	pp->lev = xmalloc((m + 1) * sizeof(*pp->lev));
	pp->times = xmalloc((2 * m + 1) * sizeof(*pp->times));
	for (size_t i = 0; i < m; i++) {
		if (pp->nlev == 0 || pp->lev[pp->nlev - 1].x != rs[i].x)
			pp->lev[pp->nlev++] = (level){.x = rs[i].x, .w = 0};
		pp->lev[pp->nlev - 1].w += rs[i].w;
		rs[i].lev = (uint32_t)(pp->nlev - 1);
		pp->wsum += rs[i].w;
		pp->times[pp->ntimes++] = rs[i].T;
		if (rs[i].x > 0)
			pp->times[pp->ntimes++] = rs[i].tx;
	}
	qsort(pp->times, pp->ntimes, sizeof(double), cmp_double);
	size_t u = 0;
	for (size_t j = 0; j < pp->ntimes; j++)
		if (u == 0 || pp->times[u - 1] != pp->times[j])
			pp->times[u++] = pp->times[j];
	pp->ntimes = u;
	for (size_t i = 0; i < m; i++) {
		rs[i].iT = time_index(pp, rs[i].T);
		rs[i].itx = rs[i].x > 0 ? time_index(pp, rs[i].tx) : 0;
	}
	pp->lt = xmalloc((u + 1) * sizeof(double));
	pp->it = xmalloc((u + 1) * sizeof(double));
	pp->la4 = xmalloc((pp->nlev + 1) * sizeof(double));
}

static void prep_release(prep *pp)
{
	free(pp->rows);
	free(pp->lev);
	free(pp->times);
	free(pp->lt);
	free(pp->it);
	free(pp->la4);
}

/* The negative mean log-likelihood at log-parameters th, and (if g is not
 * NULL) its gradient with respect to th. Non-finite points return +inf
 * with a zero gradient so the line search backs off. */
static double objective(void *ctx, const double *th, double *g)
{
	const prep *pp = ctx;
	double r = exp(th[0]), al = exp(th[1]), a = exp(th[2]), b = exp(th[3]);
	double ll = 0, dr = 0, dal = 0, da = 0, db = 0;
	double lal = log(al);
	double lgr = mle_lgamma(r), lgb = mle_lgamma(b), lgab = mle_lgamma(a + b);
	double pr = 0, pb = 0, pab = 0;

	if (g) {
		pr = mle_digamma(r);
		pb = mle_digamma(b);
		pab = mle_digamma(a + b);
	}
	for (size_t j = 0; j < pp->ntimes; j++) {
		pp->lt[j] = log(al + pp->times[j]);
		pp->it[j] = 1.0 / (al + pp->times[j]);
	}

	/* A1 and A2, per distinct x: both vanish except r log(alpha) at x = 0 */
	ll += pp->wsum * r * lal;
	dr += pp->wsum * lal;
	dal += pp->wsum * r / al;
	for (size_t k = 0; k < pp->nlev; k++) {
		double x = pp->lev[k].x, w = pp->lev[k].w;
		if (x == 0)
			continue;
		ll += w * (mle_lgamma(r + x) - lgr + lgab + mle_lgamma(b + x) - lgb -
			   mle_lgamma(a + b + x));
		pp->la4[k] = log(a) - log(b + x - 1);
		if (g) {
			double pabx = mle_digamma(a + b + x);
			dr += w * (mle_digamma(r + x) - pr);
			da += w * (pab - pabx);
			db += w * (pab + mle_digamma(b + x) - pb - pabx);
		}
	}

	/* A3, A4 per row. The log of the log-sum-exp is taken once per run of
	 * up to 64 unit-weight rows, on the product of their (1 + e) factors
	 * (each in (1, 2], so no overflow): logs are most of the cost here. */
	double prod = 1;
	int nprod = 0;
	for (size_t i = 0; i < pp->nrows; i++) {
		const row *rw = &pp->rows[i];
		double x = rw->x, w = rw->w;
		double a3 = -(r + x) * pp->lt[rw->iT];

		if (x == 0) {
			ll += w * a3;
			if (g) {
				dr -= w * pp->lt[rw->iT];
				dal -= w * r * pp->it[rw->iT];
			}
			continue;
		}
		double a4 = pp->la4[rw->lev] - (r + x) * pp->lt[rw->itx];
		double hi = a3 > a4 ? a3 : a4;
		double e = exp((a3 > a4 ? a4 : a3) - hi);
		ll += w * hi;
		if (w == 1) {
			prod *= 1.0 + e;
			if (++nprod == 64) {
				ll += log(prod);
				prod = 1;
				nprod = 0;
			}
		} else {
			ll += w * log1p(e);
		}
		if (g) {
			/* weights of the two terms in the log-sum-exp */
			double w4 = a4 > a3 ? 1.0 / (1.0 + e) : e / (1.0 + e);
			double w3 = 1.0 - w4;
			dr -= w * (w3 * pp->lt[rw->iT] + w4 * pp->lt[rw->itx]);
			dal -= w * (r + x) * (w3 * pp->it[rw->iT] + w4 * pp->it[rw->itx]);
			da += w * w4 / a;
			db -= w * w4 / (b + x - 1);
		}
	}
	ll += log(prod);

	double f = -ll / pp->wsum;
	if (g) {
		g[0] = -r * dr / pp->wsum;
		g[1] = -al * dal / pp->wsum;
		g[2] = -a * da / pp->wsum;
		g[3] = -b * db / pp->wsum;
	}
	return mle_finite_or_inf(f, g, 4);
}

/* A start in the right units: with r = 1, alpha makes r / alpha the mean
 * observed purchase rate; a = 1, b = 1 say "drop-out unknown". */
static bgnbd_params default_start(const prep *pp)
{
	double sx = 0, sT = 0;
	for (size_t i = 0; i < pp->nrows; i++) {
		sx += pp->rows[i].w * pp->rows[i].x;
		sT += pp->rows[i].w * pp->rows[i].T;
	}
	return (bgnbd_params){.r = 1, .alpha = sT > 0 && sx > 0 ? sT / sx : 1, .a = 1, .b = 1};
}

status bgnbd_fit(const bgnbd_data *d, const bgnbd_options *opt, bgnbd_fit_result *out, err *e)
{
	bgnbd_options o = opt ? *opt : (bgnbd_options){0};
	prep pp = {0};
	mle_result mr;
	status rc;
	double sx = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = check_rows(d, e)))
		return rc;
	prep_build(&pp, d);
	for (size_t i = 0; i < pp.nrows; i++)
		sx += pp.rows[i].w * pp.rows[i].x;
	if (pp.wsum <= 0 || sx <= 0) {
		rc = err_set(e, E_INVAL,
			     "BG/NBD: no customer made a repeat purchase, so purchase "
			     "rates and drop-out cannot be estimated");
		goto out;
	}
	bgnbd_params st = o.start;
	if (!(st.r > 0 && st.alpha > 0 && st.a > 0 && st.b > 0))
		st = default_start(&pp);
	double start[4] = { st.r, st.alpha, st.a, st.b }, est[4], se[4];
	if (!mle_fit_positive(objective, &pp, start, 4, o.max_iter, o.grad_tol, pp.wsum, est, se,
			      &mr)) {
		rc = err_set(e, E_INVAL,
			     "BG/NBD: the likelihood is not finite at the start "
			     "point (r %g, alpha %g, a %g, b %g)",
			     st.r, st.alpha, st.a, st.b);
		goto out;
	}
	out->p = (bgnbd_params){ .r = est[0], .alpha = est[1], .a = est[2], .b = est[3] };
	out->se = (bgnbd_params){ .r = se[0], .alpha = se[1], .a = se[2], .b = se[3] };
	out->loglik = -mr.f * pp.wsum;
	out->customers = pp.wsum;
	out->groups = pp.nrows;
	out->iterations = mr.iterations;
	out->evaluations = mr.evaluations;
	out->converged = mr.converged;
	out->grad_norm = mr.grad_norm;
	if (!out->converged)
		rc = err_set(e, E_INVAL,
			     "BG/NBD fit did not converge in %d iterations (gradient norm %.3g, "
			     "r %.4g, alpha %.4g, a %.4g, b %.4g): the data may not identify "
			     "the model (too few repeat buyers, or a window too short to see "
			     "drop-out)",
			     out->iterations, out->grad_norm, out->p.r, out->p.alpha, out->p.a,
			     out->p.b);
out:
	prep_release(&pp);
	return rc;
}

/* ---- predictions ------------------------------------------------------- */

double bgnbd_p_alive(const bgnbd_params *p, double x, double tx, double T)
{
	if (x <= 0)
		return 1.0;
	/* odds of "dropped out after the last purchase" against "alive" */
	double lodds =
		log(p->a) - log(p->b + x - 1) + (p->r + x) * log1p((T - tx) / (p->alpha + tx));
	return 1.0 / (1.0 + exp(lodds));
}

/* 2F1(a, b; c; z) for 0 <= z < 1 by its power series, used when GSL gives
 * up (it does when |a| or |b| exceeds 10 and z is not small). With c > 0,
 * terms keep one sign once n passes |a| + |b|, and the parameters used here
 * (a + b - 1 - r, a - 1) keep the terms before that small, so there is no
 * cancellation to fear; the sum stops when the remaining tail cannot change
 * it. NaN if it has not after 10^6 terms (z within about 1e-5 of 1). */
static double hyp2f1_series(double a, double b, double c, double z)
{
	double term = 1, sum = 1;

	for (int n = 0; n < 1000000; n++) {
		if (c + n == 0)
			return NAN;
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
		sum += term;
		if (!isfinite(sum))
			return NAN;
		/* the tail is at most about term / (1 - z) once terms shrink */
		if (fabs(term) <= 1e-16 * (1 - z) * fabs(sum) && n > fabs(a) + fabs(b))
			return sum;
	}
	return NAN;
}

static double hyp2f1(double a, double b, double c, double z)
{
	gsl_sf_result res;

	if (gsl_sf_hyperg_2F1_e(a, b, c, z, &res) == GSL_SUCCESS && isfinite(res.val))
		return res.val;
	return hyp2f1_series(a, b, c, z);
}

/*
 * The numerator of eq. 10 of FHL 2005 (for x = 0, T = 0 it is E[X(t)]):
 *   (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 *                          * 2F1(r+x, b+x; a+b+x-1; z)],  z = t/(alpha+T+t).
 * Direct evaluation fails for large x: the power underflows while the series
 * overflows. Euler's transformation 2F1(A,B;C;z) = (1-z)^(C-A-B)
 * 2F1(C-A, C-B; C; z), with 1 - z = (alpha+T)/(alpha+T+t), turns the
 * bracket into
 *   1 - (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z),
 * whose first two parameters do not depend on x and whose series converges
 * faster the larger x is.
 */
static double numerator_at(double r, double al, double a, double b, double x, double T, double t)
{
	double c = a + b + x - 1;
	double z = t / (al + T + t);
	double l1mz = -log1p(t / (al + T));
	double f = hyp2f1(a + b - 1 - r, a - 1, c, z);
	return c / (a - 1) * -(expm1((a - 1) * l1mz) + exp((a - 1) * l1mz) * (f - 1));
}

static double numerator(const bgnbd_params *p, double x, double T, double t)
{
	const double h = 1e-4;
	if (t <= 0)
		return 0;
	if (fabs(p->a - 1) >= h)
		return numerator_at(p->r, p->alpha, p->a, p->b, x, T, t);
	/* at a = 1 the formula is 0/0 although the function is smooth in a:
	 * interpolate between a = 1 - h and 1 + h (error O(h^2)) */
	double lo = numerator_at(p->r, p->alpha, 1 - h, p->b, x, T, t);
	double hi = numerator_at(p->r, p->alpha, 1 + h, p->b, x, T, t);
	return lo + (hi - lo) * (p->a - (1 - h)) / (2 * h);
}

double bgnbd_expected_if_alive(const bgnbd_params *p, double x, double T, double t)
{
	mle_gsl_quiet();
	return numerator(p, x, T, t);
}

/* A dead customer buys nothing, so E[Y(t) | data] is P(alive) times the
 * expectation given alive, which is eq. 10's numerator. */
double bgnbd_expected_conditional(const bgnbd_params *p, double x, double tx, double T, double t)
{
	mle_gsl_quiet();
	return numerator(p, x, T, t) * bgnbd_p_alive(p, x, tx, T);
}

double bgnbd_expected_unconditional(const bgnbd_params *p, double t)
{
	mle_gsl_quiet();
	return numerator(p, 0, 0, t);
}

void bgnbd_p_alive_all(const bgnbd_params *p, const bgnbd_data *d, double *out)
{
	for (size_t i = 0; i < d->n; i++)
		out[i] = bgnbd_p_alive(p, d->x[i], d->tx[i], d->T[i]);
}

status bgnbd_expected_all(const bgnbd_params *p, const bgnbd_data *d, double t, double *out, err *e)
{
	size_t bad = SIZE_MAX;

	for (size_t i = 0; i < d->n; i++) {
		out[i] = bgnbd_expected_conditional(p, d->x[i], d->tx[i], d->T[i], t);
		if (!isfinite(out[i]) && bad == SIZE_MAX)
			bad = i;
	}
	if (bad != SIZE_MAX)
		return err_set(e, E_INVAL,
			       "BG/NBD: expected purchases of row %zu (x %g, t_x %g, T %g) over "
			       "%g could not be computed",
			       bad, d->x[bad], d->tx[bad], d->T[bad], t);
	return E_OK;
}
