/* generate.c: `ecrm demo`'s driver: the period, the seasonal profiles, the
 * event queue, write batches, then the catalogue, customers and orders. */
#include "demo/gen.h"
#include "core/datetime.h"
#include "core/log.h"
#include "core/xalloc.h"

#include <math.h>
#include <time.h>

void demo_options_default(demo_options *o)
{
	memset(o, 0, sizeof(*o));
	o->customers = 2000;
	o->seed = 1;
	o->months = 24;
	o->batch = 10000;
	o->validate = true;
}

double demo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

status demo_batch_tick(demo_gen *g, int64_t rows, const char *phase, int64_t done, double fraction,
		       err *e)
{
	status rc;

	g->in_batch += rows;
	if (g->in_batch < g->opt->batch)
		return E_OK;
	g->in_batch = 0;
	if ((rc = store_commit(g->st, e)) || (rc = store_begin(g->st, e)))
		return rc;
	if (g->opt->progress) {
		demo_progress p = {phase, done, fraction};
		g->opt->progress(g->opt->progress_arg, &p);
	}
	return E_OK;
}

/* ---- event queue: a binary min-heap on (time, customer) ---- */

static bool before(const demo_event *a, const demo_event *b)
{
	return a->t < b->t || (a->t == b->t && a->who < b->who);
}

void demo_heap_push(demo_gen *g, int64_t t, uint32_t who)
{
	demo_event ev = {t, who};
	size_t i = g->n_heap++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(&ev, &g->heap[parent]))
			break;
		g->heap[i] = g->heap[parent];
		i = parent;
	}
	g->heap[i] = ev;
}

bool demo_heap_pop(demo_gen *g, demo_event *out)
{
	demo_event last;
	size_t i = 0, n;

	if (!g->n_heap)
		return false;
	*out = g->heap[0];
	n = --g->n_heap;
	if (!n)
		return true;
	last = g->heap[n];
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n && before(&g->heap[child + 1], &g->heap[child]))
			child++;
		if (!before(&g->heap[child], &last))
			break;
		g->heap[i] = g->heap[child];
		i = child;
	}
	g->heap[i] = last;
	return true;
}

/* ---- seasons ---- */

/* Chinese New Year's day, 2015-2035: shops slow down around it. */
static const struct {
	short y;
	char m, d;
} new_year_cn[] = {
	{2015, 2, 19}, {2016, 2, 8},  {2017, 1, 28}, {2018, 2, 16}, {2019, 2, 5},  {2020, 1, 25},
	{2021, 2, 12}, {2022, 2, 1},  {2023, 1, 22}, {2024, 2, 10}, {2025, 1, 29}, {2026, 2, 17},
	{2027, 2, 6},  {2028, 1, 26}, {2029, 2, 13}, {2030, 2, 3},  {2031, 1, 23}, {2032, 2, 11},
	{2033, 1, 31}, {2034, 2, 19}, {2035, 2, 8},
};

static const float month_west[12] = {0.85f, 0.80f, 0.90f, 0.92f, 0.95f, 1.00f,
				     1.12f, 1.08f, 0.92f, 1.00f, 1.30f, 1.45f};
static const float month_cn[12] = {0.95f, 0.80f, 0.95f, 0.95f, 1.00f, 1.10f,
				   1.00f, 0.95f, 0.95f, 1.00f, 1.25f, 1.05f};
/* Sunday first: web shops peak on Sunday and Monday evenings. */
static const float weekday[7] = {1.10f, 1.05f, 1.00f, 1.00f, 0.98f, 0.92f, 0.95f};
static const float hour_local[24] = {0.30f, 0.15f, 0.10f, 0.08f, 0.08f, 0.10f, 0.25f, 0.50f,
				     0.80f, 1.00f, 1.10f, 1.20f, 1.40f, 1.30f, 1.15f, 1.10f,
				     1.10f, 1.15f, 1.30f, 1.50f, 1.70f, 1.80f, 1.40f, 0.80f};

static int weekday_of(int64_t day)
{
	return (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

/* Black Friday: the day after the fourth Thursday of November. */
static int black_friday(int y)
{
	int wd = weekday_of(days_from_civil(y, 11, 1));
	return 1 + (4 - wd + 7) % 7 + 21 + 1;
}

static float special_west(int c, int y, int m, int d)
{
	int bf = black_friday(y);
	if (m == 11 && d == bf)
		return 2.6f;
	if (m == 11 && (d == bf + 1 || d == bf + 2))
		return 1.6f;
	if ((m == 11 && d == bf + 3) || (m == 12 && d == bf + 3 - 30))
		return 2.0f; /* Cyber Monday */
	if (m == 11 && d >= bf - 4 && d < bf - 1)
		return 1.2f;
	if (m == 11 && d == bf - 1)
		return c == DEMO_US ? 0.8f : 1.2f; /* Thanksgiving */
	if (m == 12 && d <= 20)
		return 1.25f;
	if (m == 12 && d == 24)
		return 0.6f;
	if (m == 12 && d == 25)
		return 0.25f;
	if (m == 12 && d == 26)
		return c == DEMO_GB ? 2.0f : 1.1f; /* Boxing Day sales */
	if (m == 12 && d > 26)
		return c == DEMO_GB ? 1.2f : 1.0f;
	if (m == 1 && d == 1)
		return 0.5f;
	return 1.0f;
}

static float special_cn(int64_t day, int y, int m, int d)
{
	for (size_t i = 0; i < ARRAY_SIZE(new_year_cn); i++) {
		int64_t off;
		if (new_year_cn[i].y != y)
			continue;
		off = day - days_from_civil(y, new_year_cn[i].m, new_year_cn[i].d);
		if (off >= -12 && off <= -4)
			return 1.3f; /* New Year shopping */
		if (off >= -3 && off <= 6)
			return 0.35f; /* couriers and shops closed */
	}
	if (m == 11 && d == 11)
		return 6.0f; /* Singles' Day */
	if (m == 11 && d < 11)
		return 1.3f;
	if (m == 11 && d == 12)
		return 1.5f;
	if (m == 6 && d == 18)
		return 3.0f; /* 618 festival */
	if (m == 6 && d < 18)
		return 1.2f;
	if (m == 12 && d == 12)
		return 2.0f;
	return 1.0f;
}

static void seasons_build(demo_gen *g)
{
	double hsum = 0;

	for (int c = 0; c < DEMO_COUNTRIES; c++) {
		double sum = 0;
		g->season[c] = xcalloc((size_t)g->n_days, sizeof(float));
		for (int i = 0; i < g->n_days; i++) {
			int64_t day = g->start_day + i;
			int y, m, d;
			float f;
			civil_from_days(day, &y, &m, &d);
			f = (c == DEMO_CN ? month_cn : month_west)[m - 1] *
			    weekday[weekday_of(day)];
			f *= c == DEMO_CN ? special_cn(day, y, m, d) : special_west(c, y, m, d);
			g->season[c][i] = f;
			sum += f;
		}
		/* Mean 1: the Gamma rates keep their meaning as yearly averages. */
		g->season_max[c] = 0;
		for (int i = 0; i < g->n_days; i++) {
			g->season[c][i] = (float)(g->season[c][i] * g->n_days / sum);
			if (g->season[c][i] > g->season_max[c])
				g->season_max[c] = g->season[c][i];
		}
	}
	for (int h = 0; h < 24; h++)
		hsum += hour_local[h];
	g->hour_max = 0;
	for (int h = 0; h < 24; h++) {
		g->hour[h] = (float)(hour_local[h] * 24 / hsum);
		if (g->hour[h] > g->hour_max)
			g->hour_max = g->hour[h];
	}
}

float demo_intensity(const demo_gen *g, int c, int tz, int64_t t)
{
	int64_t d = t / 86400 - g->start_day;
	int h = (int)(((t / 3600 + tz) % 24 + 24) % 24);

	if (d < 0 || d >= g->n_days)
		return 0;
	return g->season[c][d] * g->hour[h];
}

int64_t demo_next_time(demo_gen *g, double rate, int c, int tz, int64_t t)
{
	double bound = g->season_max[c] * g->hour_max;
	double lambda = rate / 86400.0 * bound; /* per second, at the peak */
	double at = (double)t;

	if (lambda <= 0)
		return g->end;
	/* Thinning (Lewis and Shedler 1979): candidates at the peak rate, each
	 * kept with probability intensity / peak. */
	for (;;) {
		at += demo_rng_exp(&g->behaviour) / lambda;
		if (at >= (double)g->end)
			return g->end;
		if (demo_rng_uniform(&g->behaviour) * bound < demo_intensity(g, c, tz, (int64_t)at))
			return (int64_t)at;
	}
}

/* ---- the period ---- */

static void period_from(demo_gen *g, int64_t end, int months)
{
	int y, m, d, dim;
	int64_t end_day = end / 86400, tod = end % 86400;

	civil_from_days(end_day, &y, &m, &d);
	m -= months % 12;
	y -= months / 12;
	if (m < 1) {
		m += 12;
		y--;
	}
	/* The 31st of a shorter month becomes its last day. */
	dim = (int)(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
		    days_from_civil(y, m, 1));
	if (d > dim)
		d = dim;
	g->end = end;
	g->start = days_from_civil(y, m, d) * 86400 + tod;
	g->start_day = g->start / 86400;
	g->n_days = (int)((g->end + 86399) / 86400 - g->start_day);
}

static status check_empty(store *st, err *e)
{
	int64_t n = 0;
	status rc = store_query_int64(st,
				      "SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) "
				      "FROM orders) + (SELECT COUNT(*) FROM products)",
				      &n, e, 0);
	if (rc == E_OK && n > 0)
		rc = err_set(e, E_CONFLICT,
			     "the database already holds customers, products or orders; "
			     "demo writes into an empty one (run `ecrm init` on a new file)");
	return rc;
}

static status check_options(const demo_options *o, err *e)
{
	if (o->customers < 1 || o->customers > 50000000)
		return err_set(e, E_INVAL, "customers: %" PRId64 " is not in 1..50000000",
			       o->customers);
	if (o->months < 1 || o->months > 240)
		return err_set(e, E_INVAL, "months: %d is not in 1..240", o->months);
	if (o->batch < 1)
		return err_set(e, E_INVAL, "batch: must be at least 1");
	if (o->end && (o->end < 86400 * 365 * 10 || o->end > INT64_C(4102444800)))
		return err_set(e, E_INVAL, "end: not a date between 1980 and 2100");
	return E_OK;
}

status demo_generate(store *st, const demo_options *opt, demo_summary *out, err *e)
{
	demo_summary local;
	demo_gen g;
	err off;
	status rc;

	memset(&g, 0, sizeof(g));
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	if ((rc = check_options(opt, e)) || (rc = check_empty(st, e)))
		return rc;
	g.st = st;
	g.opt = opt;
	g.sum = out;
	g.t0 = demo_now();
	demo_rng_seed(&g.people, opt->seed, 1);
	demo_rng_seed(&g.behaviour, opt->seed, 2);
	period_from(&g, opt->end ? opt->end : (int64_t)time(NULL), opt->months);
	out->start = g.start;
	out->end = g.end;
	seasons_build(&g);
	demo_catalog_build(&g.cat);
	for (size_t i = 0; i < ARRAY_SIZE(g.scratch); i++)
		strbuf_init(&g.scratch[i], 0);

	/* Every reference the generator writes is to a row it just wrote. */
	if ((rc = store_bulk_mode(st, true, e)))
		goto out;
	if ((rc = store_begin(st, e)))
		goto bulk;
	/* The catalogue predates the first customer. */
	if ((rc = demo_catalog_save(st, &g.cat, "GBP", g.start - 86400 * 30, e)))
		goto fail;
	out->products = (int64_t)g.cat.n;
	if ((rc = demo_people_write(&g, e)))
		goto fail;
	out->customer_seconds = demo_now() - g.t0;
	if ((rc = demo_orders_write(&g, e)))
		goto fail;
	if ((rc = store_commit(st, e)))
		goto bulk;
	out->seconds = demo_now() - g.t0;
	out->order_seconds = out->seconds - out->customer_seconds;
	goto bulk;
fail:
	store_rollback(st);
bulk:
	/* Leaving bulk mode also settles a commit the store deferred. */
	if (store_bulk_mode(st, false, &off)) {
		if (rc == E_OK) {
			*e = off;
			rc = off.code;
		} else {
			/* committed rows were lost too: say so beside the first error */
			log_error("demo: %s", off.msg);
		}
	}
out:
	for (int c = 0; c < DEMO_COUNTRIES; c++)
		free(g.season[c]);
	for (size_t i = 0; i < ARRAY_SIZE(g.scratch); i++)
		strbuf_release(&g.scratch[i]);
	free(g.cust);
	free(g.heap);
	demo_catalog_release(&g.cat);
	return rc;
}
