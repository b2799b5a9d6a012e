/* progress.c: the progress bar (see progress.h). progress_update is on the
 * per-row path, so it only counts down; the clock is read, and a line
 * perhaps printed, once per `check_every` calls. */
#include "core/progress.h"

#include <time.h>
#include <unistd.h>

#define NS_PER_S	  1000000000LL
#define LIVE_INTERVAL_NS  (NS_PER_S / 10)
#define PLAIN_INTERVAL_NS (5 * NS_PER_S)
/* Adaptive clock reads: aim for one every 10-40 ms. */
#define CHECK_TOO_SOON_NS (10 * 1000000LL)
#define CHECK_TOO_LATE_NS (40 * 1000000LL)
#define CHECK_EVERY_MAX	  (1u << 20)
#define BAR_WIDTH	  24

static int64_t monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

void progress_init(progress *p, FILE *out, const char *label, int64_t total, bool enabled)
{
	progress_init_opts(p, out, label, total, enabled, NULL);
}

void progress_init_opts(progress *p, FILE *out, const char *label, int64_t total, bool enabled,
			const progress_opts *opts)
{
	static const progress_opts defaults;
	const progress_opts *o = opts ? opts : &defaults;

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->label = label ? label : "";
	p->unit = o->unit ? o->unit : "rows";
	p->total = total > 0 ? total : 0;
	p->enabled = enabled && out;
	if (o->mode == PROGRESS_AUTO)
		p->live = out && isatty(fileno(out));
	else
		p->live = o->mode == PROGRESS_LIVE;
	p->clock = o->clock ? o->clock : monotonic_ns;
	p->clock_ctx = o->clock_ctx;
	p->adaptive = o->check_every == 0;
	p->check_every = o->check_every ? o->check_every : 1;
	p->countdown = p->check_every;
	p->start_ns = p->clock(p->clock_ctx);
	p->last_print_ns = p->start_ns;
	p->last_check_ns = p->start_ns;
}

/* 1234567 -> "1,234,567". */
static void fmt_count(char *buf, size_t size, int64_t v)
{
	char digits[24], out[32];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[k++] = '-';
	while (n > 0) {
		out[k++] = digits[--n];
		if (n > 0 && n % 3 == 0)
			out[k++] = ',';
	}
	out[k] = '\0';
	snprintf(buf, size, "%s", out);
}

/* Units per second: whole with separators from 100 up, one decimal down to
 * 0.1, two significant digits below (slow analytics steps). */
static void fmt_rate(char *buf, size_t size, int64_t done, int64_t elapsed_ns)
{
	double rate = (double)done * (double)NS_PER_S / (double)elapsed_ns;

	if (rate >= 100)
		fmt_count(buf, size, (int64_t)(rate + 0.5));
	else if (rate >= 0.1)
		snprintf(buf, size, "%.1f", rate);
	else
		snprintf(buf, size, "%.2g", rate);
}

/* Whole seconds as "8 s", "2 min 05 s" or "1 h 02 min". */
static void fmt_duration(char *buf, size_t size, int64_t s)
{
	if (s < 60)
		snprintf(buf, size, "%d s", (int)s);
	else if (s < 3600)
		snprintf(buf, size, "%d min %02d s", (int)(s / 60), (int)(s % 60));
	else
		snprintf(buf, size, "%" PRId64 " h %02d min", s / 3600, (int)(s % 3600 / 60));
}

/* Elapsed time for the final line: tenths of a second below a minute. */
static void fmt_elapsed(char *buf, size_t size, int64_t ns)
{
	if (ns < 60 * NS_PER_S)
		snprintf(buf, size, "%.1f s", (double)ns / (double)NS_PER_S);
	else
		fmt_duration(buf, size, ns / NS_PER_S);
}

/* Seconds left at the average rate so far; -1 when it cannot be told. */
static int64_t eta_seconds(const progress *p, int64_t elapsed_ns)
{
	double ns_per_unit;

	if (!p->total || p->done <= 0 || p->done >= p->total)
		return p->total && p->done >= p->total ? 0 : -1;
	ns_per_unit = (double)elapsed_ns / (double)p->done;
	return (int64_t)((double)(p->total - p->done) * ns_per_unit / (double)NS_PER_S + 0.5);
}

static int percent(const progress *p)
{
	double pc = (double)p->done * 100.0 / (double)p->total;

	return pc > 100 ? 100 : pc < 0 ? 0 : (int)pc;
}

/* The plain line: "import: 5,000 / 20,000 rows (25%), 1,000/s, ETA 15 s". */
static void print_plain(progress *p, int64_t elapsed_ns)
{
	char done[32], total[32], rate[32], eta[32];
	int64_t left = eta_seconds(p, elapsed_ns);

	fmt_count(done, sizeof(done), p->done);
	fmt_rate(rate, sizeof(rate), p->done, elapsed_ns);
	if (!p->total) {
		fprintf(p->out, "%s: %s %s, %s/s\n", p->label, done, p->unit, rate);
		return;
	}
	fmt_count(total, sizeof(total), p->total);
	if (left >= 0)
		fmt_duration(eta, sizeof(eta), left);
	fprintf(p->out, "%s: %s / %s %s (%d%%), %s/s%s%s\n", p->label, done, total, p->unit,
		percent(p), rate, left >= 0 ? ", ETA " : "", left >= 0 ? eta : "");
}

/* Writes `line` over the live line, blanking what a longer one left. */
static void draw_over(progress *p, const char *line, const char *end)
{
	int width = (int)strlen(line);
	int pad = p->drawn_width > width ? p->drawn_width - width : 0;

	fprintf(p->out, "\r%s%*s%s", line, pad, "", end);
	fflush(p->out);
	p->drawn_width = *end == '\n' ? 0 : width;
}

/* The live line: "import [######......]  25%  5,000/20,000 rows  1,000/s  ETA 15 s". */
static void print_live(progress *p, int64_t elapsed_ns)
{
	char line[256], done[32], total[32], rate[32], eta[32], bar[BAR_WIDTH + 1];
	int64_t left = eta_seconds(p, elapsed_ns);

	fmt_count(done, sizeof(done), p->done);
	fmt_rate(rate, sizeof(rate), p->done, elapsed_ns);
	if (!p->total) {
		fmt_duration(eta, sizeof(eta), elapsed_ns / NS_PER_S);
		snprintf(line, sizeof(line), "%s: %s %s  %s/s  %s", p->label, done, p->unit, rate,
			 eta);
	} else {
		int filled = percent(p) * BAR_WIDTH / 100;

		memset(bar, '#', (size_t)filled);
		memset(bar + filled, '.', (size_t)(BAR_WIDTH - filled));
		bar[BAR_WIDTH] = '\0';
		fmt_count(total, sizeof(total), p->total);
		if (left >= 0)
			fmt_duration(eta, sizeof(eta), left);
		else
			snprintf(eta, sizeof(eta), "?");
		snprintf(line, sizeof(line), "%s [%s] %3d%%  %s/%s %s  %s/s  ETA %s", p->label, bar,
			 percent(p), done, total, p->unit, rate, eta);
	}
	draw_over(p, line, "");
}

/* The slow half of progress_update: read the clock, tune how often to read
 * it, print when a line is due. */
static void check(progress *p)
{
	int64_t now = p->clock(p->clock_ctx), since = now - p->last_check_ns;
	int64_t interval = p->live ? LIVE_INTERVAL_NS : PLAIN_INTERVAL_NS;

	if (p->adaptive) {
		if (since < CHECK_TOO_SOON_NS && p->check_every < CHECK_EVERY_MAX)
			p->check_every *= 2;
		else if (since > CHECK_TOO_LATE_NS && p->check_every > 1)
			p->check_every /= 2;
	}
	p->countdown = p->check_every;
	p->last_check_ns = now;
	if (now - p->last_print_ns < interval)
		return;
	p->last_print_ns = now;
	if (p->live)
		print_live(p, now - p->start_ns);
	else
		print_plain(p, now - p->start_ns);
}

void progress_update(progress *p, int64_t done)
{
	p->done = done;
	if (!p->enabled || p->finished || --p->countdown)
		return;
	check(p);
}

void progress_finish(progress *p)
{
	char line[256], done[32], total[32], elapsed[32], rate[32];
	bool short_of_total;
	int64_t ns;

	if (!p->enabled || p->finished)
		return;
	p->finished = true;
	ns = p->clock(p->clock_ctx) - p->start_ns;
	short_of_total = p->total && p->done != p->total;
	fmt_count(done, sizeof(done), p->done);
	fmt_count(total, sizeof(total), p->total);
	fmt_elapsed(elapsed, sizeof(elapsed), ns);
	if (ns > 0)
		fmt_rate(rate, sizeof(rate), p->done, ns);
	snprintf(line, sizeof(line), "%s: %s%s%s %s in %s%s%s%s", p->label, done,
		 short_of_total ? " of " : "", short_of_total ? total : "", p->unit, elapsed,
		 ns > 0 ? " (" : "", ns > 0 ? rate : "", ns > 0 ? "/s)" : "");
	if (p->live && p->drawn_width) {
		draw_over(p, line, "\n");
	} else {
		fprintf(p->out, "%s\n", line);
		fflush(p->out);
	}
}
