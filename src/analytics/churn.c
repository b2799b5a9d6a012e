/* churn.c: the churn model (liblinear L2-regularised logistic regression on
 * standardised features) and the train / hold-out / score protocol
 * described in churn.h. */
#include "analytics/churn.h"
#include "core/xalloc.h"

#include <linear.h>
#include <math.h>
#include <pthread.h>

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void print_nothing(const char *s)
{
	(void)s;
}

/* liblinear writes its progress to stdout through one global function
 * pointer; set it once, before any training, so concurrent fits never race
 * on it. */
static void quiet(void)
{
	set_print_string_function(print_nothing);
}

/* splitmix64: a small, well-mixed generator; also used as a hash so that
 * a customer's side of the split depends only on (seed, customer). */
static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A uniform number in [0, 1) from (seed, salt, i). */
static double hash01(uint64_t seed, uint64_t salt, uint64_t i)
{
	return (double)(mix64(mix64(seed ^ salt) ^ i) >> 11) * 0x1.0p-53;
}

static int cmp_i64(const void *pa, const void *pb)
{
	int64_t u = *(const int64_t *)pa, v = *(const int64_t *)pb;
	return (u > v) - (u < v);
}

/* Keeps a uniform sample of k of a[0..n-1] (partial Fisher-Yates), in
 * ascending order so feature passes read the columns forwards. Returns the
 * new length. */
static size_t sample(int64_t *a, size_t n, size_t k, uint64_t seed)
{
	uint64_t s = mix64(seed ^ 0x5a4d504c45u);
	if (n <= k)
		return n;
	for (size_t i = 0; i < k; i++) {
		s = mix64(s);
		size_t j = i + (size_t)(s % (n - i));
		int64_t t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	qsort(a, k, sizeof(*a), cmp_i64);
	return k;
}

/* Means and standard deviations of the columns over the given rows. */
static void standardise(const churn_matrix *m, const size_t *rows, size_t nrows, churn_model *mdl)
{
	int p = m->cols;
	for (int j = 0; j < p; j++) {
		double mean = 0, m2 = 0;
		for (size_t k = 0; k < nrows; k++) {
			double v = m->x[(rows ? rows[k] : k) * (size_t)p + (size_t)j];
			double d = v - mean;
			mean += d / (double)(k + 1);
			m2 += d * (v - mean);
		}
		double sd = nrows ? sqrt(m2 / (double)nrows) : 0;
		mdl->mean[j] = mean;
		/* a constant column: any scale works, its weight comes out 0 */
		mdl->std[j] = sd > 1e-12 * (1 + fabs(mean)) ? sd : 1;
	}
}

/* Fits on the given rows with regularisation C. `init` (liblinear's own
 * weight vector of cols + 1 entries from an earlier fit on the same rows,
 * or NULL) warm-starts the solver; `w_out` (or NULL) receives that vector. */
static status fit(const churn_matrix *m, const uint8_t *label, const size_t *rows, size_t nrows,
		  double C, const double *init, double *w_out, churn_model *out, err *e)
{
	int p = m->cols;
	size_t width = (size_t)p + 2; /* features, bias, terminator */
	struct feature_node *nodes = NULL;
	struct feature_node **xs = NULL;
	double *y = NULL;
	struct model *lm = NULL;
	status rc = E_OK;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->cols = p;
	out->C = C;
	memcpy(out->names, m->names, sizeof(out->names));
	if (p < 1 || p > CHURN_MAX_FEATURES)
		return err_set(e, E_INVAL, "churn model: %d feature columns (1..%d)", p,
			       CHURN_MAX_FEATURES);
	if (!(C > 0) || !isfinite(C))
		return err_set(e, E_INVAL, "churn model: C must be a number > 0, got %g", C);
	if (nrows > INT_MAX / 2)
		return err_set(e, E_TOOBIG, "churn model: %zu training rows (sample fewer)", nrows);
	for (size_t k = 0; k < nrows; k++)
		pos += label[rows ? rows[k] : k] != 0;
	if (pos == 0 || pos == nrows)
		return err_set(e, E_INVAL,
			       "churn model: the %zu training rows are all of one class", nrows);
	pthread_once(&quiet_once, quiet);
	standardise(m, rows, nrows, out);

	nodes = xmalloc(nrows * width * sizeof(*nodes));
	xs = xmalloc(nrows * sizeof(*xs));
	y = xmalloc(nrows * sizeof(*y));
	for (size_t k = 0; k < nrows; k++) {
		size_t r = rows ? rows[k] : k;
		const double *x = m->x + r * (size_t)p;
		struct feature_node *f = nodes + k * width;
		for (int j = 0; j < p; j++)
			f[j] = (struct feature_node){j + 1, (x[j] - out->mean[j]) / out->std[j]};
		f[p] = (struct feature_node){p + 1, 1.0}; /* bias */
		f[p + 1] = (struct feature_node){-1, 0};
		xs[k] = f;
		y[k] = label[r] ? 1 : -1;
	}
	struct problem prob = {.l = (int)nrows, .n = p + 1, .y = y, .x = xs, .bias = 1};
	struct parameter par = {
		.solver_type = L2R_LR, .eps = 0.01, .C = C, .p = 0.1, .init_sol = (double *)init};
	const char *why = check_parameter(&prob, &par);
	if (why) {
		rc = err_set(e, E_INTERNAL, "liblinear refused the churn model: %s", why);
		goto out;
	}
	if (!(lm = train(&prob, &par)) || get_nr_class(lm) != 2) {
		rc = err_set(e, E_INTERNAL, "liblinear did not return a two-class model");
		goto out;
	}
	int labels[2];
	get_labels(lm, labels);
	int churn_idx = labels[0] == 1 ? 0 : 1;
	for (int j = 0; j < p; j++)
		out->weight[j] = get_decfun_coef(lm, j + 1, churn_idx);
	out->intercept = get_decfun_bias(lm, churn_idx);
	if (w_out)
		memcpy(w_out, lm->w, (size_t)(p + 1) * sizeof(double));
out:
	if (lm)
		free_and_destroy_model(&lm);
	free(nodes);
	free(xs);
	free(y);
	return rc;
}

status churn_model_fit(const churn_matrix *m, const uint8_t *label, const size_t *rows,
		       size_t nrows, double C, churn_model *out, err *e)
{
	return fit(m, label, rows, rows ? nrows : m->rows, C, NULL, NULL, out, e);
}

static double logistic(double z)
{
	if (z >= 0)
		return 1 / (1 + exp(-z));
	double ez = exp(z);
	return ez / (1 + ez);
}

static double row_risk(const churn_model *mdl, const double *x)
{
	double z = mdl->intercept;
	for (int j = 0; j < mdl->cols; j++)
		z += mdl->weight[j] * (x[j] - mdl->mean[j]) / mdl->std[j];
	return logistic(z);
}

void churn_model_predict(const churn_model *mdl, const churn_matrix *m, const size_t *rows,
			 size_t nrows, double *risk)
{
	if (!rows)
		nrows = m->rows;
	for (size_t k = 0; k < nrows; k++)
		risk[k] = row_risk(mdl, m->x + (rows ? rows[k] : k) * (size_t)m->cols);
}

void churn_model_explain(const churn_model *mdl, const churn_matrix *m, size_t row, int k,
			 int16_t *top)
{
	const double *x = m->x + row * (size_t)m->cols;
	double best[CHURN_MAX_TOP];

	if (k > CHURN_MAX_TOP)
		k = CHURN_MAX_TOP;
	for (int i = 0; i < k; i++) {
		top[i] = -1;
		best[i] = 0;
	}
	/* insertion into a k-long list sorted by contribution, largest first */
	for (int j = 0; j < mdl->cols; j++) {
		double c = mdl->weight[j] * (x[j] - mdl->mean[j]) / mdl->std[j];
		int i = k;
		while (i > 0 && c > best[i - 1]) {
			if (i < k) {
				best[i] = best[i - 1];
				top[i] = top[i - 1];
			}
			i--;
		}
		if (i < k) {
			best[i] = c;
			top[i] = (int16_t)j;
		}
	}
}

void churn_options_default(churn_options *o)
{
	memset(o, 0, sizeof(*o));
	o->horizon_days = 90;
	o->split = CHURN_SPLIT_CUSTOMER;
	o->holdout_share = 0.25;
	o->seed = 1;
	o->max_train = 20000;
	o->grid_rows = 20000;
	o->max_test = 200000;
	o->min_train = 200;
	o->min_class = 20;
}

/* YYYY-MM-DD of a Unix day, for notes a user reads (proleptic Gregorian,
 * counted in 400-year eras from 0000-03-01). */
static void day_text(int32_t day, char buf[16])
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	snprintf(buf, 16, "%04" PRId64 "-%02" PRId64 "-%02" PRId64, y, m, d);
}

/* Salts of the hashes, so the splits are independent of each other. */
enum {
	SALT_HOLDOUT = 1,
	SALT_VALID,
	SALT_TRAIN_SAMPLE,
	SALT_TEST_SAMPLE,
	SALT_GRID_SAMPLE,
	SALT_REFIT_SAMPLE
};

static const double grid[] = {1e-3, 1e-2, 1e-1, 1, 10, 100};

/* Row indices 0..m->rows-1, or a seeded sample of k of them (ascending);
 * returns how many. */
static size_t pick_rows(const churn_matrix *m, size_t k, uint64_t seed, size_t *rows)
{
	int64_t *tmp = xmalloc((m->rows ? m->rows : 1) * sizeof(int64_t));
	for (size_t r = 0; r < m->rows; r++)
		tmp[r] = (int64_t)r;
	size_t n = sample(tmp, m->rows, k, seed);
	for (size_t r = 0; r < n; r++)
		rows[r] = (size_t)tmp[r];
	free(tmp);
	return n;
}

/* Fits on every row of `m` with the given C, or when o->C is 0 with the C
 * that had the least validation log-loss (ties: the smaller C) on a sample
 * of at most o->grid_rows of them. liblinear's C multiplies a sum over
 * rows, so a C found on g fit rows is carried to all n rows as C * g / n:
 * the same penalty per row. */
static status fit_with_grid(const churn_matrix *m, const uint8_t *label, const churn_options *o,
			    churn_result *res, churn_model *mdl, err *e)
{
	size_t *sub = xmalloc((m->rows ? m->rows : 1) * sizeof(size_t));
	size_t *fit_rows = xmalloc((m->rows ? m->rows : 1) * sizeof(size_t));
	size_t *val_rows = xmalloc((m->rows ? m->rows : 1) * sizeof(size_t));
	double *w = xmalloc((size_t)(m->cols + 1) * sizeof(double));
	double *risk = NULL;
	uint8_t *val_label = NULL;
	size_t nfit = 0, nval = 0, fit_pos = 0;
	double C = o->C > 0 ? o->C : 1;
	status rc = E_OK;

	res->grid_n = 0;
	if (o->C > 0)
		goto refit;
	size_t nsub = pick_rows(m, o->grid_rows, o->seed ^ SALT_GRID_SAMPLE, sub);
	for (size_t k = 0; k < nsub; k++) {
		size_t r = sub[k];
		if (hash01(o->seed, SALT_VALID, (uint64_t)m->customer[r]) < 0.2) {
			val_rows[nval++] = r;
		} else {
			fit_rows[nfit++] = r;
			fit_pos += label[r] != 0;
		}
	}
	/* too few rows to hold some back: keep C = 1 (on standardised
	 * features a moderate penalty) */
	if (nval == 0 || fit_pos == 0 || fit_pos == nfit)
		goto refit;
	risk = xmalloc(nval * sizeof(double));
	val_label = xmalloc(nval * sizeof(uint8_t));
	for (size_t k = 0; k < nval; k++)
		val_label[k] = label[val_rows[k]];
	double best = INFINITY, best_C = 1;
	for (size_t g = 0; g < ARRAY_SIZE(grid); g++) {
		churn_model trial;
		/* ascending C on the same rows: each fit starts from the last */
		if ((rc = fit(m, label, fit_rows, nfit, grid[g], g ? w : NULL, w, &trial, e)))
			goto out;
		churn_model_predict(&trial, m, val_rows, nval, risk);
		double loss = metrics_eval_log_loss(risk, val_label, nval);
		res->grid_C[res->grid_n] = grid[g];
		res->grid_loss[res->grid_n++] = loss;
		if (loss < best) {
			best = loss;
			best_C = grid[g];
		}
	}
	res->grid_rows = nfit;
	C = best_C * (double)nfit / (double)m->rows;
refit:
	rc = fit(m, label, NULL, m->rows, C, NULL, NULL, mdl, e);
out:
	free(sub);
	free(fit_rows);
	free(val_rows);
	free(w);
	free(risk);
	free(val_label);
	return rc;
}

/* Fills the hold-out figures of `res` from the model's risks on `m`. */
static status evaluate(const churn_model *mdl, const churn_matrix *train, const uint8_t *train_y,
		       const churn_matrix *test, const uint8_t *test_y, churn_result *res, err *e)
{
	size_t most = test->rows > train->rows ? test->rows : train->rows;
	double *risk = xmalloc((most + 1) * sizeof(double));
	status rc;

	churn_model_predict(mdl, train, NULL, 0, risk);
	res->auc_train = metrics_eval_auc(risk, train_y, train->rows);
	churn_model_predict(mdl, test, NULL, 0, risk);
	res->auc = metrics_eval_auc(risk, test_y, test->rows);
	res->brier = metrics_eval_brier(risk, test_y, test->rows);
	res->log_loss = metrics_eval_log_loss(risk, test_y, test->rows);
	double s = 0;
	for (size_t r = 0; r < test->rows; r++)
		s += risk[r];
	res->mean_risk_test = test->rows ? s / (double)test->rows : NAN;
	rc = metrics_eval_calibration(risk, test_y, test->rows, CHURN_CALIB_BINS, res->calib, e);
	free(risk);
	return rc;
}

static status check_options(const churn_options *o, const churn_events *ev, err *e)
{
	if (o->horizon_days < 1 || o->horizon_days > 3660)
		return err_set(e, E_INVAL, "churn horizon must be 1..3660 days, got %d",
			       o->horizon_days);
	if (o->split != CHURN_SPLIT_CUSTOMER && o->split != CHURN_SPLIT_TIME)
		return err_set(e, E_INVAL, "unknown churn split %d", (int)o->split);
	if (!(o->holdout_share > 0 && o->holdout_share < 1))
		return err_set(e, E_INVAL, "churn hold-out share must be between 0 and 1, got %g",
			       o->holdout_share);
	if (!(o->C >= 0) || !isfinite(o->C))
		return err_set(e, E_INVAL, "churn C must be > 0 (or 0 to choose it), got %g", o->C);
	if (o->max_train < o->min_train)
		return err_set(e, E_INVAL,
			       "churn max_train (%zu) is below min_train (%zu): no data could "
			       "ever suffice",
			       o->max_train, o->min_train);
	if (o->threads > 256)
		return err_set(e, E_INVAL, "churn threads must be at most 256, got %d", o->threads);
	if (o->top_k < 0 || o->top_k > CHURN_MAX_TOP)
		return err_set(e, E_INVAL, "churn explanations per customer must be 0..%d, got %d",
			       CHURN_MAX_TOP, o->top_k);
	if (o->features.trend_days < 0 || o->features.trend_days > 3660)
		return err_set(e, E_INVAL, "churn trend window must be 0..3660 days, got %d",
			       o->features.trend_days);
	if ((int64_t)o->as_of - 2 * (int64_t)o->horizon_days < INT32_MIN / 2)
		return err_set(e, E_INVAL, "churn as-of day %" PRId32 " is out of range", o->as_of);
	if (churn_feature_names(ev, NULL) > CHURN_MAX_FEATURES)
		return err_set(e, E_INVAL, "too many churn features");
	return E_OK;
}

/* Sets the insufficient-data outcome when `m` with labels `y` is too small
 * or too one-sided to learn from (need rows >= min_rows and both classes
 * >= min_class); returns whether it did. */
static bool too_little(const churn_matrix *m, const uint8_t *y, size_t min_rows, size_t min_class,
		       int horizon, const char *what, churn_result *res)
{
	size_t churned = 0;
	char day[16];

	for (size_t r = 0; r < m->rows; r++)
		churned += y[r] != 0;
	day_text(m->cutoff, day);
	if (m->rows < min_rows)
		snprintf(res->note, sizeof(res->note),
			 "not enough history for a churn model: %zu customers in the %s set had "
			 "ordered by %s, at least %zu are needed",
			 m->rows, what, day, min_rows);
	else if (m->rows - churned < min_class)
		snprintf(res->note, sizeof(res->note),
			 "not enough repeat buying for a churn model: of the %zu customers in the "
			 "%s set who had ordered by %s, %zu ordered again within %d days; at "
			 "least %zu are needed",
			 m->rows, what, day, m->rows - churned, horizon, min_class);
	else if (churned < min_class)
		snprintf(res->note, sizeof(res->note),
			 "not enough churn for a churn model: of the %zu customers in the %s set "
			 "who had ordered by %s, %zu placed no order within %d days; at least "
			 "%zu are needed",
			 m->rows, what, day, churned, horizon, min_class);
	else
		return false;
	res->outcome = CHURN_INSUFFICIENT_DATA;
	return true;
}

enum { SCORE_CHUNK = 16384 };

/* One scoring thread's share: chunks worker, worker + workers, ... */
typedef struct {
	const churn_events *ev;
	const churn_options *o;
	const churn_model *mdl;
	double *risk;
	int16_t *top;
	int worker, workers;
	double sum;    /* of the risks it wrote */
	size_t scored; /* how many */
} scorer;

/* Risk (and explanations) at the as-of day for every customer with
 * history in this worker's chunks; a chunk at a time, so memory stays
 * bounded whatever n is. Workers write disjoint entries of risk and top. */
static void *score_chunks(void *arg)
{
	scorer *s = arg;
	const churn_events *ev = s->ev;
	int64_t *chunk = xmalloc(SCORE_CHUNK * sizeof(int64_t));
	size_t k = (size_t)s->o->top_k;

	for (size_t lo = (size_t)s->worker * SCORE_CHUNK; lo < ev->n;
	     lo += (size_t)s->workers * SCORE_CHUNK) {
		size_t hi = ev->n - lo < SCORE_CHUNK ? ev->n : lo + SCORE_CHUNK;
		churn_matrix m;
		for (size_t c = lo; c < hi; c++)
			chunk[c - lo] = (int64_t)c;
		churn_features_of(ev, s->o->as_of, &s->o->features, chunk, hi - lo, &m);
		for (size_t r = 0; r < m.rows; r++) {
			size_t c = (size_t)m.customer[r];
			s->risk[c] = row_risk(s->mdl, m.x + r * (size_t)m.cols);
			s->sum += s->risk[c];
			if (s->top && k)
				churn_model_explain(s->mdl, &m, r, (int)k, s->top + c * k);
		}
		s->scored += m.rows;
		churn_matrix_release(&m);
	}
	free(chunk);
	return NULL;
}

static void score_all(const churn_events *ev, const churn_options *o, const churn_model *mdl,
		      double *risk, int16_t *top, churn_result *res)
{
	size_t chunks = (ev->n + SCORE_CHUNK - 1) / SCORE_CHUNK;
	int workers = o->threads > 1 ? o->threads : 1;
	if ((size_t)workers > chunks)
		workers = chunks ? (int)chunks : 1;
	scorer *s = xcalloc((size_t)workers, sizeof(*s));
	pthread_t *th = xcalloc((size_t)workers, sizeof(*th));
	bool *started = xcalloc((size_t)workers, sizeof(*started));
	double sum = 0;

	for (int w = 0; w < workers; w++)
		s[w] = (scorer){ev, o, mdl, risk, top, w, workers, 0, 0};
	for (int w = 1; w < workers; w++)
		started[w] = pthread_create(&th[w], NULL, score_chunks, &s[w]) == 0;
	score_chunks(&s[0]);
	/* a thread that could not start has its chunks scored here: the
	 * result is the same, only slower */
	for (int w = 1; w < workers; w++) {
		if (started[w])
			pthread_join(th[w], NULL);
		else
			score_chunks(&s[w]);
	}
	for (int w = 0; w < workers; w++) {
		sum += s[w].sum;
		res->scored += s[w].scored;
	}
	res->mean_risk = res->scored ? sum / (double)res->scored : NAN;
	free(s);
	free(th);
	free(started);
}

status churn_run(const churn_events *ev, const churn_options *o_in, double *risk, int16_t *top,
		 churn_result *out, err *e)
{
	churn_options o = *o_in;
	churn_matrix train = {0}, test = {0};
	int64_t *train_ids = NULL, *test_ids = NULL;
	uint8_t *train_y = NULL, *test_y = NULL;
	size_t ntrain = 0, ntest = 0;
	status rc;

	memset(out, 0, sizeof(*out));
	if (!o.horizon_days)
		o.horizon_days = 90;
	if (o.holdout_share == 0)
		o.holdout_share = 0.25;
	if (!o.max_train)
		o.max_train = 20000;
	if (!o.max_test)
		o.max_test = 200000;
	if (!o.grid_rows)
		o.grid_rows = 20000;
	if (!o.min_train)
		o.min_train = 200;
	if (!o.min_class)
		o.min_class = 20;
	if ((rc = check_options(&o, ev, e)) || (rc = churn_events_check(ev, e)))
		return rc;

	int32_t H = o.horizon_days;
	out->horizon_days = H;
	out->split = o.split;
	out->score_cutoff = o.as_of;
	out->test_cutoff = o.as_of - H;
	out->train_cutoff = o.split == CHURN_SPLIT_TIME ? o.as_of - 2 * H : o.as_of - H;
	out->auc = out->auc_train = out->base_rate = NAN;
	out->mean_risk = out->mean_risk_test = out->brier = out->log_loss = NAN;
	for (size_t c = 0; c < ev->n; c++)
		risk[c] = NAN;
	for (size_t i = 0; top && i < ev->n * (size_t)o.top_k; i++)
		top[i] = -1;

	/* who trains, who is held out */
	size_t cap = ev->n ? ev->n : 1;
	train_ids = xmalloc(cap * sizeof(int64_t));
	test_ids = xmalloc(cap * sizeof(int64_t));
	for (size_t c = 0; c < ev->n; c++) {
		if (o.split == CHURN_SPLIT_CUSTOMER) {
			if (!churn_has_history(ev, c, out->test_cutoff))
				continue;
			if (hash01(o.seed, SALT_HOLDOUT, c) < o.holdout_share)
				test_ids[ntest++] = (int64_t)c;
			else
				train_ids[ntrain++] = (int64_t)c;
		} else {
			if (churn_has_history(ev, c, out->train_cutoff))
				train_ids[ntrain++] = (int64_t)c;
			if (churn_has_history(ev, c, out->test_cutoff))
				test_ids[ntest++] = (int64_t)c;
		}
	}
	out->train_eligible = ntrain;
	out->test_eligible = ntest;
	ntrain = sample(train_ids, ntrain, o.max_train, o.seed ^ SALT_TRAIN_SAMPLE);
	ntest = sample(test_ids, ntest, o.max_test, o.seed ^ SALT_TEST_SAMPLE);

	churn_features_of(ev, out->train_cutoff, &o.features, train_ids, ntrain, &train);
	churn_features_of(ev, out->test_cutoff, &o.features, test_ids, ntest, &test);
	train_y = xmalloc(train.rows + 1);
	test_y = xmalloc(test.rows + 1);
	churn_labels(ev, &train, H, train_y);
	churn_labels(ev, &test, H, test_y);
	out->train_rows = train.rows;
	out->test_rows = test.rows;
	for (size_t r = 0; r < train.rows; r++)
		out->train_churned += train_y[r];
	for (size_t r = 0; r < test.rows; r++)
		out->test_churned += test_y[r];
	out->base_rate = test.rows ? (double)out->test_churned / (double)test.rows : NAN;

	/* the time split refits on the test window, so it must be as rich as
	 * a training set; a customer hold-out needs both classes for an AUC */
	size_t min_test_class = o.split == CHURN_SPLIT_TIME ? o.min_class : (o.min_class + 3) / 4;
	size_t min_test_rows = o.split == CHURN_SPLIT_TIME ? o.min_train : 0;
	if (too_little(&train, train_y, o.min_train, o.min_class, H, "training", out) ||
	    too_little(&test, test_y, min_test_rows, min_test_class, H, "hold-out", out))
		goto out;

	churn_model mdl;
	if ((rc = fit_with_grid(&train, train_y, &o, out, &mdl, e)))
		goto out;
	if ((rc = evaluate(&mdl, &train, train_y, &test, test_y, out, e)))
		goto out;
	if (o.split == CHURN_SPLIT_TIME) {
		/* the same penalty per row on at most max_train rows */
		size_t *rows = xmalloc((test.rows + 1) * sizeof(size_t));
		size_t nrows = pick_rows(&test, o.max_train, o.seed ^ SALT_REFIT_SAMPLE, rows);
		double C = mdl.C * (double)train.rows / (double)nrows;
		rc = churn_model_fit(&test, test_y, rows, nrows, C, &mdl, e);
		free(rows);
		if (rc)
			goto out;
	}
	out->model = mdl;
	score_all(ev, &o, &mdl, risk, top, out);
	out->outcome = CHURN_SCORED;
out:
	churn_matrix_release(&train);
	churn_matrix_release(&test);
	free(train_ids);
	free(test_ids);
	free(train_y);
	free(test_y);
	return rc;
}
