/* test_progress.c: the exact lines the progress bar prints, in plain and live
 * mode, driven by a fake clock (no sleeping), and how often it reads it. */
#include "testutil.h"
#include "core/progress.h"

#define MS  1000000LL
#define SEC 1000000000LL

typedef struct {
	int64_t now;
	int64_t step; /* added after every read */
	int reads;
} fake_clock;

static int64_t fake_now(void *ctx)
{
	fake_clock *c = ctx;
	int64_t t = c->now;

	c->now += c->step;
	c->reads++;
	return t;
}

/* A memory stream that collects what the bar prints. */
typedef struct {
	FILE *f;
	char *buf;
	size_t len;
} capture;

static void capture_open(capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *capture_text(capture *c)
{
	fflush(c->f);
	return c->buf;
}

static void capture_close(capture *c)
{
	fclose(c->f);
	free(c->buf);
}

static void plain_mode_prints_every_5_seconds_and_at_the_end(void **state)
{
	fake_clock clk = {0, 0, 0};
	progress_opts o = {
		.mode = PROGRESS_PLAIN, .clock = fake_now, .clock_ctx = &clk, .check_every = 1};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "import", 20000, true, &o);
	clk.now = 1 * SEC;
	progress_update(&p, 1000);
	clk.now = 5 * SEC - 1;
	progress_update(&p, 4999);
	assert_string_equal(capture_text(&cap), "");
	clk.now = 5 * SEC;
	progress_update(&p, 5000);
	clk.now = 9 * SEC;
	progress_update(&p, 9000);
	clk.now = 10 * SEC;
	progress_update(&p, 12000); /* 8,000 left at 1,200/s: 6.67 s, rounded */
	clk.now = 14 * SEC;
	progress_update(&p, 20000);
	clk.now = 20 * SEC;
	progress_finish(&p);
	assert_string_equal(capture_text(&cap),
			    "import: 5,000 / 20,000 rows (25%), 1,000/s, ETA 15 s\n"
			    "import: 12,000 / 20,000 rows (60%), 1,200/s, ETA 7 s\n"
			    "import: 20,000 rows in 20.0 s (1,000/s)\n");
	capture_close(&cap);
}

static void final_line_formats(void **state)
{
	fake_clock clk = {0, 0, 0};
	progress_opts o = {.mode = PROGRESS_PLAIN, .clock = fake_now, .clock_ctx = &clk};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	/* the brief's example: 541,909 / 2.1 = 258,052.38 */
	progress_init_opts(&p, cap.f, "import", 541909, true, &o);
	progress_update(&p, 541909);
	clk.now = 2100 * MS;
	progress_finish(&p);
	/* stopped short of the total */
	clk.now = 0;
	progress_init_opts(&p, cap.f, "import", 100, true, &o);
	progress_update(&p, 40);
	clk.now = 3 * SEC;
	progress_finish(&p);
	/* a unit name, minutes, and a slow rate: 7 / 125 = 0.056 */
	o.unit = "customers";
	clk.now = 0;
	progress_init_opts(&p, cap.f, "analyze", 0, true, &o);
	progress_update(&p, 7);
	clk.now = 125 * SEC;
	progress_finish(&p);
	/* hours: 3,725 s */
	clk.now = 0;
	progress_init_opts(&p, cap.f, "rebuild", 0, true, &o);
	progress_update(&p, 12345678);
	clk.now = 3725 * SEC;
	progress_finish(&p);
	/* no time passed: no rate */
	clk.now = 0;
	progress_init_opts(&p, cap.f, "noop", 0, true, &o);
	progress_finish(&p);
	assert_string_equal(capture_text(&cap),
			    "import: 541,909 rows in 2.1 s (258,052/s)\n"
			    "import: 40 of 100 rows in 3.0 s (13.3/s)\n"
			    "analyze: 7 customers in 2 min 05 s (0.056/s)\n"
			    "rebuild: 12,345,678 customers in 1 h 02 min (3,314/s)\n"
			    "noop: 0 customers in 0.0 s\n");
	capture_close(&cap);
}

static void plain_mode_with_unknown_total(void **state)
{
	fake_clock clk = {0, 0, 0};
	progress_opts o = {.mode = PROGRESS_PLAIN,
			   .clock = fake_now,
			   .clock_ctx = &clk,
			   .check_every = 1,
			   .unit = "orders"};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "scan", 0, true, &o);
	clk.now = 6 * SEC;
	progress_update(&p, 3);
	clk.now = 8 * SEC;
	progress_finish(&p);
	assert_string_equal(capture_text(&cap), "scan: 3 orders, 0.5/s\n"
						"scan: 3 orders in 8.0 s (0.4/s)\n");
	capture_close(&cap);
}

static void disabled_prints_nothing_and_reads_no_clock(void **state)
{
	fake_clock clk = {0, 1 * SEC, 0};
	progress_opts o = {
		.mode = PROGRESS_LIVE, .clock = fake_now, .clock_ctx = &clk, .check_every = 1};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "import", 10, false, &o);
	for (int i = 1; i <= 1000; i++)
		progress_update(&p, i);
	progress_finish(&p);
	assert_int_equal(cap.len, 0);
	assert_string_equal(capture_text(&cap), "");
	assert_int_equal(clk.reads, 1); /* only the start, in init */
	assert_int_equal(p.done, 1000);
	capture_close(&cap);
}

static void live_mode_redraws_at_most_10_times_a_second(void **state)
{
	fake_clock clk = {0, 0, 0};
	progress_opts o = {
		.mode = PROGRESS_LIVE, .clock = fake_now, .clock_ctx = &clk, .check_every = 1};
	const char *l1 = "job [##......................]  10%  20/200 rows  200/s  ETA 1 s";
	const char *l2 = "job [########################] 100%  200/200 rows  1,000/s  ETA 0 s";
	const char *l3 = "job: 200 rows in 0.3 s (769/s)";
	char want[512];
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "job", 200, true, &o);
	assert_true(p.live);
	clk.now = 50 * MS;
	progress_update(&p, 10);
	assert_string_equal(capture_text(&cap), "");
	clk.now = 100 * MS; /* 180 left at 200/s: 0.9 s, rounded */
	progress_update(&p, 20);
	clk.now = 150 * MS;
	progress_update(&p, 30);
	clk.now = 199 * MS;
	progress_update(&p, 40);
	clk.now = 200 * MS;
	progress_update(&p, 200);
	clk.now = 260 * MS;
	progress_finish(&p);
	/* the final line is shorter: spaces blank the rest of the bar */
	snprintf(want, sizeof(want), "\r%s\r%s\r%s%*s\n", l1, l2, l3,
		 (int)(strlen(l2) - strlen(l3)), "");
	assert_string_equal(capture_text(&cap), want);
	capture_close(&cap);
}

static void live_mode_with_unknown_total(void **state)
{
	fake_clock clk = {0, 0, 0};
	progress_opts o = {
		.mode = PROGRESS_LIVE, .clock = fake_now, .clock_ctx = &clk, .check_every = 1};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "scan", 0, true, &o);
	clk.now = 75 * SEC;
	progress_update(&p, 1500000);
	assert_string_equal(capture_text(&cap), "\rscan: 1,500,000 rows  20,000/s  1 min 15 s");
	capture_close(&cap);
}

static void quick_live_work_prints_only_the_summary(void **state)
{
	fake_clock clk = {0, 0, 0};
	progress_opts o = {
		.mode = PROGRESS_LIVE, .clock = fake_now, .clock_ctx = &clk, .check_every = 1};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "load", 3, true, &o);
	progress_update(&p, 3);
	clk.now = 40 * MS;
	progress_finish(&p);
	progress_finish(&p); /* a second call prints nothing */
	progress_update(&p, 4);
	assert_string_equal(capture_text(&cap), "load: 3 rows in 0.0 s (75.0/s)\n");
	capture_close(&cap);
}

static void reads_the_clock_rarely_when_work_is_fast(void **state)
{
	fake_clock fast = {0, 1000, 0}; /* 1 us between reads: tiny work units */
	fake_clock slow = {0, 1 * SEC, 0};
	progress_opts o = {.mode = PROGRESS_PLAIN, .clock = fake_now, .clock_ctx = &fast};
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init_opts(&p, cap.f, "fast", 0, true, &o);
	for (int64_t i = 1; i <= 3000000; i++)
		progress_update(&p, i);
	/* the interval doubles up to 2^20: about 22 reads for 3M updates */
	assert_in_range(fast.reads, 10, 40);
	/* slow units: every update is worth a look */
	o.clock_ctx = &slow;
	progress_init_opts(&p, cap.f, "slow", 0, true, &o);
	for (int64_t i = 1; i <= 10; i++)
		progress_update(&p, i);
	assert_int_equal(slow.reads, 11);
	/* a fixed interval is kept */
	slow.reads = 0;
	o.check_every = 4;
	progress_init_opts(&p, cap.f, "fixed", 0, true, &o);
	for (int64_t i = 1; i <= 40; i++)
		progress_update(&p, i);
	assert_int_equal(slow.reads, 11);
	capture_close(&cap);
}

static void auto_mode_is_plain_off_a_terminal(void **state)
{
	capture cap;
	progress p;
	(void)state;
	capture_open(&cap);
	progress_init(&p, cap.f, NULL, 5, true);
	assert_false(p.live);
	assert_string_equal(p.unit, "rows");
	assert_string_equal(p.label, "");
	p.unit = "lines"; /* the unit may be set after init */
	progress_update(&p, 5);
	progress_finish(&p);
	assert_non_null(strstr(capture_text(&cap), ": 5 lines in "));
	capture_close(&cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_mode_prints_every_5_seconds_and_at_the_end),
		cmocka_unit_test(final_line_formats),
		cmocka_unit_test(plain_mode_with_unknown_total),
		cmocka_unit_test(disabled_prints_nothing_and_reads_no_clock),
		cmocka_unit_test(live_mode_redraws_at_most_10_times_a_second),
		cmocka_unit_test(live_mode_with_unknown_total),
		cmocka_unit_test(quick_live_work_prints_only_the_summary),
		cmocka_unit_test(reads_the_clock_rarely_when_work_is_fast),
		cmocka_unit_test(auto_mode_is_plain_off_a_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
