/* churn_features.c: churn features and labels from per-customer event
 * columns at a cut-off day (definitions in churn_features.h). */
#include "analytics/churn_features.h"
#include "core/xalloc.h"

#include <math.h>

/* The columns every matrix has, in order. */
enum {
	F_RECENCY,
	F_RECENCY_LOG,
	F_FREQUENCY_LOG,
	F_SPEND_TOTAL_LOG,
	F_SPEND_AVG_LOG,
	F_TENURE_LOG,
	F_SINGLE_DAY,
	F_GAP_MEAN_LOG,
	F_GAP_STD_LOG,
	F_LAST_GAP_RATIO,
	F_OVERDUE_LOG,
	F_ORDERS_RECENT_LOG,
	F_SPEND_RECENT_LOG,
	F_SPEND_PREV_LOG,
	F_SPEND_TREND,
	F__CORE
};

static const char *const core_names[F__CORE] = {
	"recency_days",	    "recency_log",    "frequency_log", "spend_total_log",
	"spend_avg_log",    "tenure_log",     "single_day",    "gap_mean_log",
	"gap_std_log",	    "last_gap_ratio", "overdue_log",   "orders_recent_log",
	"spend_recent_log", "spend_prev_log", "spend_trend",
};

/* Where the optional blocks start in a row; -1 when absent. */
typedef struct {
	int cols;
	int margin;	  /* margin_rate */
	int returns;	  /* returns_log, return_share */
	int interactions; /* interactions_recent_log */
	int complaints;	  /* complaints_log */
	int channels;	  /* first of n_channels columns */
} layout;

static layout layout_of(const churn_events *ev)
{
	layout l = {.cols = F__CORE, -1, -1, -1, -1, -1};
	if (ev->order_margin)
		l.margin = l.cols++;
	if (ev->return_start) {
		l.returns = l.cols;
		l.cols += 2;
	}
	if (ev->interaction_start) {
		l.interactions = l.cols++;
		if (ev->interaction_flags)
			l.complaints = l.cols++;
		if (ev->interaction_channel && ev->n_channels > 0) {
			l.channels = l.cols;
			l.cols += ev->n_channels;
		}
	}
	return l;
}

int churn_feature_names(const churn_events *ev, char (*names)[CHURN_FEATURE_NAME])
{
	layout l = layout_of(ev);
	if (!names)
		return l.cols;
	for (int k = 0; k < F__CORE; k++)
		snprintf(names[k], CHURN_FEATURE_NAME, "%s", core_names[k]);
	if (l.margin >= 0)
		snprintf(names[l.margin], CHURN_FEATURE_NAME, "margin_rate");
	if (l.returns >= 0) {
		snprintf(names[l.returns], CHURN_FEATURE_NAME, "returns_log");
		snprintf(names[l.returns + 1], CHURN_FEATURE_NAME, "return_share");
	}
	if (l.interactions >= 0)
		snprintf(names[l.interactions], CHURN_FEATURE_NAME, "interactions_recent_log");
	if (l.complaints >= 0)
		snprintf(names[l.complaints], CHURN_FEATURE_NAME, "complaints_log");
	for (int k = 0; l.channels >= 0 && k < ev->n_channels; k++) {
		if (ev->channel_names && ev->channel_names[k])
			snprintf(names[l.channels + k], CHURN_FEATURE_NAME, "recent_%s_log",
				 ev->channel_names[k]);
		else
			snprintf(names[l.channels + k], CHURN_FEATURE_NAME, "recent_ch%d_log", k);
	}
	return l.cols;
}

/* Checks one CSR offset column of n + 1 entries. */
static status check_offsets(const int64_t *start, size_t n, const char *what, err *e)
{
	if (start[0] != 0)
		return err_set(e, E_INVAL, "%s offsets must start at 0, got %" PRId64, what,
			       start[0]);
	for (size_t c = 0; c < n; c++)
		if (start[c + 1] < start[c])
			return err_set(e, E_INVAL, "%s offsets decrease at customer index %zu",
				       what, c);
	return E_OK;
}

status churn_events_check(const churn_events *ev, err *e)
{
	status rc;

	if (!ev->order_start)
		return err_set(e, E_INVAL, "churn features need order offsets, days and amounts");
	if ((rc = check_offsets(ev->order_start, ev->n, "order", e)))
		return rc;
	if (ev->order_start[ev->n] > 0 && (!ev->order_day || !ev->order_amount))
		return err_set(e, E_INVAL, "churn features need order offsets, days and amounts");
	for (size_t c = 0; c < ev->n; c++)
		for (int64_t i = ev->order_start[c] + 1; i < ev->order_start[c + 1]; i++)
			if (ev->order_day[i] < ev->order_day[i - 1])
				return err_set(e, E_INVAL,
					       "orders of customer index %zu are not sorted by day "
					       "(row %" PRId64 ")",
					       c, i);
	if (ev->return_start) {
		if ((rc = check_offsets(ev->return_start, ev->n, "return", e)))
			return rc;
		if (ev->return_start[ev->n] > 0 && (!ev->return_day || !ev->return_amount))
			return err_set(e, E_INVAL, "returns need days and amounts");
	}
	if (ev->interaction_start) {
		if ((rc = check_offsets(ev->interaction_start, ev->n, "interaction", e)))
			return rc;
		if (ev->interaction_start[ev->n] > 0 && !ev->interaction_day)
			return err_set(e, E_INVAL, "interactions need days");
		if (ev->n_channels < 0 || ev->n_channels > CHURN_MAX_CHANNELS)
			return err_set(e, E_INVAL,
				       "%d interaction channels: at most %d are supported",
				       ev->n_channels, CHURN_MAX_CHANNELS);
		if (ev->interaction_channel && ev->n_channels > 0)
			for (int64_t i = 0; i < ev->interaction_start[ev->n]; i++)
				if (ev->interaction_channel[i] >= ev->n_channels)
					return err_set(e, E_INVAL,
						       "interaction row %" PRId64
						       ": channel %d is not below %d",
						       i, ev->interaction_channel[i],
						       ev->n_channels);
	}
	return E_OK;
}

bool churn_has_history(const churn_events *ev, size_t c, int32_t cutoff)
{
	int64_t i = ev->order_start[c];
	return i < ev->order_start[c + 1] && ev->order_day[i] <= cutoff;
}

/* log1p(k) for small whole k: most feature values are counts and day
 * differences, and a table lookup costs a fraction of log1p (which was
 * half the time of a feature pass). Built once per matrix. */
enum { LOG_TABLE = 1024 };

typedef struct {
	layout l;
	int32_t w;
	double log1p_k[LOG_TABLE];
} pass;

static double lg(const pass *ps, double x)
{
	if (x >= 0 && x < LOG_TABLE && x == (double)(int)x)
		return ps->log1p_k[(int)x];
	/* log is about three times faster than log1p here; for x >= 0 they
	 * differ by rounding only, far below what a standardised feature
	 * can notice */
	return x >= 0 ? log(1 + x) : log1p(x);
}

static void order_features(const churn_events *ev, const pass *ps, size_t c, int32_t t, double *x)
{
	int64_t lo = ev->order_start[c], hi = ev->order_start[c + 1];
	int32_t w = ps->w;
	int32_t first = ev->order_day[lo], last = first, prev_day = first;
	double orders = 0, spend = 0, margin = 0, recent_orders = 0, recent = 0, prev = 0;
	/* gaps between distinct order days: Welford's running mean and
	 * squared deviations, and the last one */
	double ngaps = 0, gmean = 0, gm2 = 0, last_gap = 0;

	for (int64_t i = lo; i < hi && ev->order_day[i] <= t; i++) {
		int32_t d = ev->order_day[i];
		double a = (double)ev->order_amount[i];
		orders++;
		spend += a;
		if (ev->order_margin)
			margin += (double)ev->order_margin[i];
		if (d > t - w) {
			recent_orders++;
			recent += a;
		} else if (d > t - 2 * w) {
			prev += a;
		}
		if (d != prev_day) {
			double g = d - prev_day, delta = g - gmean;
			ngaps++;
			gmean += delta / ngaps;
			gm2 += delta * (g - gmean);
			last_gap = g;
			prev_day = d;
		}
		last = d;
	}
	double recency = t - last;
	x[F_RECENCY] = recency;
	x[F_RECENCY_LOG] = lg(ps, recency);
	x[F_FREQUENCY_LOG] = lg(ps, orders);
	x[F_SPEND_TOTAL_LOG] = lg(ps, spend > 0 ? spend : 0);
	x[F_SPEND_AVG_LOG] = lg(ps, spend > 0 ? spend / orders : 0);
	x[F_TENURE_LOG] = lg(ps, t - first);
	x[F_SINGLE_DAY] = ngaps == 0;
	if (ngaps > 0) {
		double ratio = last_gap / gmean;
		x[F_GAP_MEAN_LOG] = lg(ps, gmean);
		x[F_GAP_STD_LOG] = lg(ps, sqrt(gm2 / ngaps));
		x[F_LAST_GAP_RATIO] = ratio > 10 ? 10 : ratio;
		x[F_OVERDUE_LOG] = lg(ps, recency / gmean);
	} else {
		x[F_GAP_MEAN_LOG] = x[F_GAP_STD_LOG] = x[F_LAST_GAP_RATIO] = x[F_OVERDUE_LOG] = 0;
	}
	x[F_ORDERS_RECENT_LOG] = lg(ps, recent_orders);
	x[F_SPEND_RECENT_LOG] = lg(ps, recent > 0 ? recent : 0);
	x[F_SPEND_PREV_LOG] = lg(ps, prev > 0 ? prev : 0);
	/* negative amounts (credits) could make the sum 0 or negative: clamp */
	if (recent < 0)
		recent = 0;
	if (prev < 0)
		prev = 0;
	x[F_SPEND_TREND] = recent + prev > 0 ? (recent - prev) / (recent + prev) : 0;
	x[F__CORE] = spend; /* scratch for the optional blocks, overwritten */
	x[F__CORE + 1] = margin;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void row_features(const churn_events *ev, const pass *ps, size_t c, int32_t t, double *x)
{
	const layout *l = &ps->l;
	int32_t w = ps->w;
	double tmp[F__CORE + 2];

	order_features(ev, ps, c, t, tmp);
	memcpy(x, tmp, F__CORE * sizeof(double));
	double spend = tmp[F__CORE], margin = tmp[F__CORE + 1];
	if (l->margin >= 0)
		x[l->margin] = spend > 0 ? clamp(margin / spend, -1, 1) : 0;
	if (l->returns >= 0) {
		double count = 0, amount = 0;
		for (int64_t i = ev->return_start[c]; i < ev->return_start[c + 1]; i++)
			if (ev->return_day[i] <= t) {
				count++;
				amount += (double)ev->return_amount[i];
			}
		x[l->returns] = lg(ps, count);
		x[l->returns + 1] = spend > 0 ? clamp(amount / spend, 0, 1) : 0;
	}
	if (l->interactions >= 0) {
		double recent = 0, complaints = 0, per[CHURN_MAX_CHANNELS] = {0};
		for (int64_t i = ev->interaction_start[c]; i < ev->interaction_start[c + 1]; i++) {
			int32_t d = ev->interaction_day[i];
			if (d > t)
				continue;
			if (ev->interaction_flags &&
			    (ev->interaction_flags[i] & CHURN_INTERACTION_COMPLAINT))
				complaints++;
			if (d > t - w) {
				recent++;
				if (l->channels >= 0)
					per[ev->interaction_channel[i]]++;
			}
		}
		x[l->interactions] = lg(ps, recent);
		if (l->complaints >= 0)
			x[l->complaints] = lg(ps, complaints);
		for (int k = 0; l->channels >= 0 && k < ev->n_channels; k++)
			x[l->channels + k] = lg(ps, per[k]);
	}
}

/* The matrix for customers[0..count-1], or for 0..count-1 when `customers`
 * is NULL. */
static void build(const churn_events *ev, int32_t cutoff, const churn_feature_options *opt,
		  const int64_t *customers, size_t count, churn_matrix *out)
{
	pass *ps = xmalloc(sizeof(*ps));
	size_t rows = 0;

	ps->l = layout_of(ev);
	ps->w = opt && opt->trend_days > 0 ? opt->trend_days : 90;
	for (int k = 0; k < LOG_TABLE; k++)
		ps->log1p_k[k] = log1p(k);
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < count; k++)
		rows += churn_has_history(ev, customers ? (size_t)customers[k] : k, cutoff);
	out->rows = rows;
	out->cols = ps->l.cols;
	out->cutoff = cutoff;
	out->x = xmalloc((rows ? rows : 1) * (size_t)ps->l.cols * sizeof(double));
	out->customer = xmalloc((rows ? rows : 1) * sizeof(int64_t));
	churn_feature_names(ev, out->names);
	size_t r = 0;
	for (size_t k = 0; k < count; k++) {
		size_t c = customers ? (size_t)customers[k] : k;
		if (!churn_has_history(ev, c, cutoff))
			continue;
		out->customer[r] = (int64_t)c;
		row_features(ev, ps, c, cutoff, out->x + r * (size_t)ps->l.cols);
		r++;
	}
	free(ps);
}

void churn_features(const churn_events *ev, int32_t cutoff, const churn_feature_options *opt,
		    churn_matrix *out)
{
	build(ev, cutoff, opt, NULL, ev->n, out);
}

void churn_features_of(const churn_events *ev, int32_t cutoff, const churn_feature_options *opt,
		       const int64_t *customers, size_t count, churn_matrix *out)
{
	build(ev, cutoff, opt, customers, count, out);
}

void churn_labels(const churn_events *ev, const churn_matrix *m, int horizon_days, uint8_t *label)
{
	int64_t end = (int64_t)m->cutoff + horizon_days;

	for (size_t r = 0; r < m->rows; r++) {
		int64_t c = m->customer[r];
		bool bought = false;
		/* days are sorted: the first order after the cut-off decides */
		for (int64_t i = ev->order_start[c]; i < ev->order_start[c + 1]; i++) {
			if (ev->order_day[i] > m->cutoff) {
				bought = ev->order_day[i] <= end;
				break;
			}
		}
		label[r] = !bought;
	}
}

void churn_matrix_release(churn_matrix *m)
{
	if (!m)
		return;
	free(m->x);
	free(m->customer);
	memset(m, 0, sizeof(*m));
}
