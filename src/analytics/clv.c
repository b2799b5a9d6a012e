/* clv.c: discounted expected margin per customer over a horizon (clv.h). */
#include "analytics/clv.h"

#include <math.h>

double clv_period_rate(const clv_params *cp)
{
	return expm1(log1p(cp->annual_discount) * cp->step * cp->unit_days / 365.25);
}

status clv_bgnbd(const bgnbd_params *p, const bgnbd_data *d, const double *spend,
		 const clv_params *cp, double *out, err *e)
{
	size_t bad = SIZE_MAX;

	if (!isfinite(cp->margin))
		return err_set(e, E_INVAL, "CLV: margin (%g) must be a number", cp->margin);
	if (!isfinite(cp->annual_discount) || cp->annual_discount <= -1)
		return err_set(e, E_INVAL, "CLV: annual discount rate (%g) must be above -1",
			       cp->annual_discount);
	if (!(cp->unit_days > 0 && isfinite(cp->unit_days)))
		return err_set(e, E_INVAL, "CLV: days per time unit (%g) must be > 0",
			       cp->unit_days);
	if (!(cp->step > 0 && isfinite(cp->step)))
		return err_set(e, E_INVAL, "CLV: step (%g time units) must be > 0", cp->step);
	if (cp->horizon < 0 || cp->horizon > 100000)
		return err_set(e, E_INVAL, "CLV: horizon (%d periods) must lie in 0..100000",
			       cp->horizon);

	double v = 1 / (1 + clv_period_rate(cp)); /* one period's discount factor */
	double last_x = NAN, last_T = NAN, last_g = NAN;
	for (size_t i = 0; i < d->n; i++) {
		double s = spend[i];

		if (!(isfinite(s) && s >= 0)) {
			out[i] = NAN;
			if (bad == SIZE_MAX)
				bad = i;
			continue;
		}
		/* CLV_i = margin * s_i * P(alive)_i * G(x_i, T_i), with G the
		 * discounted purchases of a customer alive at T; rows that repeat
		 * the previous row's (x, T) reuse G (sort rows by x, T to share
		 * the most work) */
		if (d->x[i] != last_x || d->T[i] != last_T) {
			double g = 0, prev = 0, disc = 1;
			for (int k = 1; k <= cp->horizon; k++) {
				double ek =
					bgnbd_expected_if_alive(p, d->x[i], d->T[i], k * cp->step);
				disc *= v;
				g += (ek - prev) * disc;
				prev = ek;
			}
			last_x = d->x[i];
			last_T = d->T[i];
			last_g = g;
		}
		out[i] = cp->margin * s * bgnbd_p_alive(p, d->x[i], d->tx[i], d->T[i]) * last_g;
		if (!isfinite(out[i]) && bad == SIZE_MAX)
			bad = i;
	}
	if (bad != SIZE_MAX)
		return err_set(e, E_INVAL,
			       "CLV: row %zu (x %g, t_x %g, T %g, spend %g) gave no finite value",
			       bad, d->x[bad], d->tx[bad], d->T[bad], spend[bad]);
	return E_OK;
}
