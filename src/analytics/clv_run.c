/* clv_run.c: lifetime-value histories from a snapshot, parallel scoring
 * and the hold-out check (clv_run.h). */
#include "analytics/clv_run.h"
#include "analytics/parallel.h"
#include "core/xalloc.h"

#include <math.h>

/* ---- history ---- */

typedef struct {
	const snapshot *s;
	const clv_history_params *p;
	/* full-length columns by snapshot index; x is NaN outside the model */
	double *x, *tx, *T, *spend, *margin, *hold;
	int32_t *first;
} hist_ctx;

static double margin_ratio(int64_t total, int64_t margin, int64_t returned, double fallback)
{
	double r;

	if (total <= 0)
		return fallback;
	/* value_tier.h's profit, M - R * M / T, as a share of T */
	r = (double)margin / (double)total * (1.0 - (double)returned / (double)total);
	return r < 0 ? 0 : r > 1 ? 1 : r;
}

static void hist_chunk(void *arg, size_t begin, size_t end, int worker)
{
	hist_ctx *h = arg;
	const snapshot *s = h->s;
	const int32_t cal = h->p->calib_end, as_of = h->p->as_of;

	(void)worker;
	for (size_t c = begin; c < end; c++) {
		int64_t a = s->order_start[c], z = s->order_start[c + 1];
		int64_t total = 0, margin = 0, returned = 0;
		double x = 0, hold = 0, repeat_value = 0;
		int32_t first, last;

		h->x[c] = NAN;
		if (a == z || s->order_day[a] >= cal)
			continue;
		first = last = s->order_day[a];
		for (int64_t i = a; i < z;) {
			int32_t d = s->order_day[i];
			int64_t value = 0;

			if (d >= as_of)
				break;
			for (; i < z && s->order_day[i] == d; i++) {
				value += s->order_total[i];
				if (d < cal) {
					total += s->order_total[i];
					margin += s->order_margin[i];
				}
			}
			if (d >= cal) {
				hold++;
			} else if (d != first) {
				x++;
				last = d;
				repeat_value += (double)value;
			}
		}
		for (int64_t i = s->return_start[c]; i < s->return_start[c + 1]; i++) {
			if (s->return_day[i] < cal)
				returned += s->return_amount[i];
		}
		h->first[c] = first;
		h->x[c] = x;
		h->tx[c] = (last - first) / h->p->unit_days;
		h->T[c] = (cal - 1 - first) / h->p->unit_days;
		h->spend[c] = x > 0 ? repeat_value / x / h->p->money_scale : 0;
		h->margin[c] = margin_ratio(total, margin, returned, s->margin_ratio);
		h->hold[c] = hold;
	}
}

void clv_history_build(const snapshot *s, const clv_history_params *p, int threads,
		       clv_history *out)
{
	size_t nc = (size_t)s->n_customers, alloc = nc ? nc : 1, m = 0;
	hist_ctx h = { s, p };

	memset(out, 0, sizeof(*out));
	h.x = xmalloc(alloc * sizeof(double));
	h.tx = xmalloc(alloc * sizeof(double));
	h.T = xmalloc(alloc * sizeof(double));
	h.spend = xmalloc(alloc * sizeof(double));
	h.margin = xmalloc(alloc * sizeof(double));
	h.hold = xmalloc(alloc * sizeof(double));
	h.first = xmalloc(alloc * sizeof(int32_t));
	parallel_for(threads, nc, 8192, hist_chunk, &h);
	for (size_t c = 0; c < nc; c++)
		m += !isnan(h.x[c]);

	/* Compact in place: row k <= customer c, so nothing is overwritten
	 * before it is read. */
	out->idx = xmalloc((m ? m : 1) * sizeof(int32_t));
	for (size_t c = 0, k = 0; c < nc; c++) {
		if (isnan(h.x[c]))
			continue;
		out->idx[k] = (int32_t)c;
		h.first[k] = h.first[c];
		h.x[k] = h.x[c];
		h.tx[k] = h.tx[c];
		h.T[k] = h.T[c];
		h.spend[k] = h.spend[c];
		h.margin[k] = h.margin[c];
		h.hold[k] = h.hold[c];
		out->repeaters += h.x[k] > 0;
		out->hold_total += (int64_t)h.hold[k];
		k++;
	}
	out->n = m;
	out->first_day = h.first;
	out->x = h.x;
	out->tx = h.tx;
	out->T = h.T;
	out->spend = h.spend;
	out->margin = h.margin;
	out->x_hold = h.hold;
}

void clv_history_release(clv_history *h)
{
	if (!h)
		return;
	free(h->idx);
	free(h->first_day);
	free(h->x);
	free(h->tx);
	free(h->T);
	free(h->spend);
	free(h->margin);
	free(h->x_hold);
	memset(h, 0, sizeof(*h));
}

bgnbd_data clv_history_bgnbd(const clv_history *h)
{
	return (bgnbd_data){ .n = h->n, .x = h->x, .tx = h->tx, .T = h->T, .w = NULL };
}

gammagamma_data clv_history_gammagamma(const clv_history *h)
{
	return (gammagamma_data){ .n = h->n, .x = h->x, .m = h->spend, .w = NULL };
}

/* ---- sorting by (x, T) ---- */

typedef struct {
	double x, T;
	int32_t row;
} sort_key;

static int cmp_key(const void *pa, const void *pb)
{
	const sort_key *u = pa, *v = pb;

	if (u->x != v->x)
		return u->x < v->x ? -1 : 1;
	if (u->T != v->T)
		return u->T < v->T ? -1 : 1;
	return (u->row > v->row) - (u->row < v->row);
}

/* One stable counting-sort pass: rows `in` by key[row] (0..range-1) into
 * `out`. */
static void counting_pass(const int32_t *in, int32_t *out, size_t n, const uint32_t *key,
			  size_t range)
{
	size_t *at = xcalloc(range + 1, sizeof(*at));

	for (size_t i = 0; i < n; i++)
		at[key[in[i]] + 1]++;
	for (size_t k = 0; k < range; k++)
		at[k + 1] += at[k];
	for (size_t i = 0; i < n; i++)
		out[at[key[in[i]]]++] = in[i];
	free(at);
}

/* Rows by (x, T, row) in O(n): T ascending is first_day descending (one
 * calibration end for all rows), and x is a whole count, so two stable
 * counting passes (T, then x) do. false when the keys do not allow it
 * (no first days, x not whole, or ranges too large). */
static bool sort_counting(const clv_history *h, int32_t *order)
{
	size_t n = h->n;
	int32_t lo = INT32_MAX, hi = INT32_MIN;
	double xmax = 0;

	if (!h->first_day)
		return false;
	for (size_t i = 0; i < n; i++) {
		lo = h->first_day[i] < lo ? h->first_day[i] : lo;
		hi = h->first_day[i] > hi ? h->first_day[i] : hi;
		if (!(h->x[i] >= 0 && h->x[i] == floor(h->x[i])))
			return false;
		xmax = h->x[i] > xmax ? h->x[i] : xmax;
	}
	if (n == 0 || xmax > 1e7 || (int64_t)hi - lo > 10000000)
		return n == 0;
	size_t rt = (size_t)(hi - lo) + 1, rx = (size_t)xmax + 1;
	uint32_t *kt = xmalloc(n * sizeof(*kt)), *kx = xmalloc(n * sizeof(*kx));
	int32_t *tmp = xmalloc(n * sizeof(*tmp));
	for (size_t i = 0; i < n; i++) {
		kt[i] = (uint32_t)(hi - h->first_day[i]);
		kx[i] = (uint32_t)h->x[i];
		order[i] = (int32_t)i;
	}
	counting_pass(order, tmp, n, kt, rt);
	counting_pass(tmp, order, n, kx, rx);
	free(kt);
	free(kx);
	free(tmp);
	return true;
}

void clv_sorted_build(const clv_history *h, clv_sorted *out)
{
	size_t n = h->n, alloc = n ? n : 1;

	out->n = n;
	out->row = xmalloc(alloc * sizeof(int32_t));
	if (!sort_counting(h, out->row)) {
		sort_key *k = xmalloc(alloc * sizeof(*k));
		for (size_t i = 0; i < n; i++)
			k[i] = (sort_key){ h->x[i], h->T[i], (int32_t)i };
		qsort(k, n, sizeof(*k), cmp_key);
		for (size_t i = 0; i < n; i++)
			out->row[i] = k[i].row;
		free(k);
	}
	out->x = xmalloc(alloc * sizeof(double));
	out->tx = xmalloc(alloc * sizeof(double));
	out->T = xmalloc(alloc * sizeof(double));
	out->spend = xmalloc(alloc * sizeof(double));
	out->margin = xmalloc(alloc * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		int32_t r = out->row[i];
		out->x[i] = h->x[r];
		out->tx[i] = h->tx[r];
		out->T[i] = h->T[r];
		out->spend[i] = h->spend[r];
		out->margin[i] = h->margin[r];
	}
}

void clv_sorted_release(clv_sorted *s)
{
	if (!s)
		return;
	free(s->row);
	free(s->x);
	free(s->tx);
	free(s->T);
	free(s->spend);
	free(s->margin);
	memset(s, 0, sizeof(*s));
}

/* ---- scoring ---- */

typedef struct {
	const clv_sorted *s;
	const clv_score_params *p;
	const clv_outputs *out;
	double *spend; /* by sorted position, minor units (scratch) */
	size_t expected_failed[64], spend_failed[64], clv_failed[64];
} score_ctx;

static void score_chunk(void *arg, size_t begin, size_t end, int worker)
{
	score_ctx *c = arg;
	const clv_sorted *s = c->s;
	const clv_score_params *p = c->p;
	double last_x = NAN, last_T = NAN, if_alive = NAN;
	size_t ef = 0, sf = 0, cf = 0;

	for (size_t i = begin; i < end; i++) {
		int32_t r = s->row[i];
		double pa = bgnbd_p_alive(&p->bg, s->x[i], s->tx[i], s->T[i]);

		if (s->x[i] != last_x || s->T[i] != last_T) {
			if_alive = c->out->expected ? bgnbd_expected_if_alive(&p->bg, s->x[i],
									      s->T[i], p->horizon)
						    : NAN;
			last_x = s->x[i];
			last_T = s->T[i];
		}
		if (c->out->p_alive)
			c->out->p_alive[r] = pa;
		if (c->out->expected) {
			/* the same product bgnbd_expected_conditional forms */
			c->out->expected[r] = if_alive * pa;
			ef += !isfinite(c->out->expected[r]);
		}
		if (p->gg) {
			double v = gammagamma_expected_spend(p->gg, s->x[i], s->spend[i]) *
				   p->money_scale;
			c->spend[i] = v;
			if (c->out->spend)
				c->out->spend[r] = v;
			sf += !isfinite(v);
		}
	}
	if (p->gg && c->out->clv && end > begin) {
		bgnbd_data d = { .n = end - begin,
				 .x = s->x + begin,
				 .tx = s->tx + begin,
				 .T = s->T + begin,
				 .w = NULL };
		clv_params cp = p->cp;
		double *v = xmalloc((end - begin) * sizeof(double));
		err e;

		cp.margin = 1.0;
		/* Rows with a bad spend come back NaN and clv_bgnbd's error
		 * names only the first: they are counted below instead. */
		err_clear(&e);
		status ignored = clv_bgnbd(&p->bg, &d, c->spend + begin, &cp, v, &e);
		(void)ignored;
		for (size_t i = begin; i < end; i++) {
			double x = v[i - begin] * s->margin[i];
			c->out->clv[s->row[i]] = x;
			cf += !isfinite(x);
		}
		free(v);
	}
	c->expected_failed[worker] = ef;
	c->spend_failed[worker] = sf;
	c->clv_failed[worker] = cf;
}

status clv_score(const clv_sorted *srt, const clv_score_params *p, int threads,
		 const clv_outputs *out, clv_score_summary *sum, err *e)
{
	score_ctx c = { srt, p, out };
	clv_score_summary local = { 0 };
	int used;

	if (threads > 64)
		threads = 64;
	if (p->gg && out->clv) {
		/* the same checks clv_bgnbd makes, once, so a chunk cannot fail
		 * on them */
		if (!isfinite(p->cp.annual_discount) || p->cp.annual_discount <= -1 ||
		    !(p->cp.unit_days > 0) || !(p->cp.step > 0) || !isfinite(p->cp.step) ||
		    p->cp.horizon < 0 || p->cp.horizon > 100000)
			return err_set(e, E_INVAL,
				       "CLV: bad parameters (discount %g, %g days per period, "
				       "step %g periods, %d steps)",
				       p->cp.annual_discount, p->cp.unit_days, p->cp.step,
				       p->cp.horizon);
	}
	c.spend = xmalloc((srt->n ? srt->n : 1) * sizeof(double));
	/* Chunks of at least 2048 rows: thread start-up is tens of us, a row
	 * costs a 2F1 at most once per group. */
	used = parallel_for(threads, srt->n, 2048, score_chunk, &c);
	for (int w = 0; w < used; w++) {
		local.expected_failed += c.expected_failed[w];
		local.spend_failed += c.spend_failed[w];
		local.clv_failed += c.clv_failed[w];
	}
	free(c.spend);
	/* counted here, not per chunk: a group split between two chunks is
	 * one group */
	for (size_t i = 0; i < srt->n; i++)
		local.groups += i == 0 || srt->x[i] != srt->x[i - 1] || srt->T[i] != srt->T[i - 1];
	if (sum)
		*sum = local;
	return E_OK;
}

/* ---- hold-out check ---- */

typedef struct {
	const clv_sorted *s;
	const bgnbd_params *bg;
	double t;
	double *pred; /* by history row */
} hold_ctx;

static void hold_chunk(void *arg, size_t begin, size_t end, int worker)
{
	hold_ctx *c = arg;
	const clv_sorted *s = c->s;
	double last_x = NAN, last_T = NAN, if_alive = NAN;

	(void)worker;
	for (size_t i = begin; i < end; i++) {
		if (s->x[i] != last_x || s->T[i] != last_T) {
			if_alive = bgnbd_expected_if_alive(c->bg, s->x[i], s->T[i], c->t);
			last_x = s->x[i];
			last_T = s->T[i];
		}
		c->pred[s->row[i]] = if_alive * bgnbd_p_alive(c->bg, s->x[i], s->tx[i], s->T[i]);
	}
}

/* Cumulative repeat purchases by day: actual from the orders, expected
 * from E[X(t)] for each day offset since a first purchase. */
static void tracking(const snapshot *s, const clv_history *h, const clv_history_params *p,
		     const bgnbd_params *bg, clv_holdout *out)
{
	int32_t d0 = INT32_MAX, d1 = p->as_of;
	size_t ndays, step, periods;
	double *repeat_by_day, *first_by_day, *ex;

	for (size_t k = 0; k < h->n; k++)
		d0 = h->first_day[k] < d0 ? h->first_day[k] : d0;
	if (h->n == 0 || d0 >= d1)
		return;
	ndays = (size_t)(d1 - d0);
	repeat_by_day = xcalloc(ndays, sizeof(double));
	first_by_day = xcalloc(ndays, sizeof(double));
	ex = xmalloc(ndays * sizeof(double));
	for (size_t k = 0; k < h->n; k++) {
		int32_t c = h->idx[k], first = h->first_day[k], prev = first;
		first_by_day[first - d0]++;
		for (int64_t i = s->order_start[c]; i < s->order_start[c + 1]; i++) {
			int32_t d = s->order_day[i];
			if (d >= d1)
				break;
			if (d != prev)
				repeat_by_day[d - d0]++;
			prev = d;
		}
	}
	/* E[X(t)] of a customer observed through day D - 1 after a first
	 * purchase on day F: t = (D - 1 - F) / unit_days, as T is measured */
	for (size_t j = 0; j < ndays; j++)
		ex[j] = bgnbd_expected_unconditional(bg, (double)j / p->unit_days);

	periods = (size_t)ceil((double)ndays / p->unit_days);
	step = (periods + CLV_TRACKING_MAX - 1) / CLV_TRACKING_MAX;
	if (step < 1)
		step = 1;
	double actual = 0;
	size_t day = 0;
	for (size_t k = step; out->points < CLV_TRACKING_MAX; k += step) {
		size_t end = (size_t)llround((double)k * p->unit_days);
		if (end > ndays || k >= periods)
			end = ndays;
		for (; day < end; day++)
			actual += repeat_by_day[day];
		/* sum over first days F < end of customers(F) * E[X((end-1-F)/u)] */
		double expected = 0;
		for (size_t f = 0; f < end; f++)
			expected += first_by_day[f] * ex[end - 1 - f];
		out->end_day[out->points] = d0 + (int32_t)end;
		out->track_actual[out->points] = actual;
		out->track_expected[out->points] = expected;
		out->points++;
		if (end == ndays)
			break;
	}
	free(repeat_by_day);
	free(first_by_day);
	free(ex);
}

void clv_holdout_check(const snapshot *s, const clv_history *h, const clv_sorted *srt,
		       const clv_history_params *p, const bgnbd_params *bg, int threads,
		       clv_holdout *out)
{
	hold_ctx c = { srt, bg, (p->as_of - p->calib_end) / p->unit_days,
		       xmalloc((h->n ? h->n : 1) * sizeof(double)) };
	double abs_err = 0;
	size_t used = 0;

	memset(out, 0, sizeof(*out));
	out->t = c.t;
	parallel_for(threads, srt->n, 2048, hold_chunk, &c);
	for (size_t k = 0; k < h->n; k++) {
		double pred = c.pred[k], act = h->x_hold[k];
		int g = h->x[k] >= CLV_HOLDOUT_GROUPS - 1 ? CLV_HOLDOUT_GROUPS - 1 : (int)h->x[k];

		if (!isfinite(pred)) {
			out->expected_failed++;
			continue;
		}
		out->customers[g]++;
		out->actual_sum[g] += act;
		out->predicted_sum[g] += pred;
		out->actual += act;
		out->predicted += pred;
		abs_err += fabs(pred - act);
		used++;
	}
	out->mae = used ? abs_err / (double)used : NAN;
	free(c.pred);
	tracking(s, h, p, bg, out);
}
