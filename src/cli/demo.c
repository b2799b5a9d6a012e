/* demo.c: `ecrm demo`: fill an empty database with a generated online shop. */
#include "cli/cli.h"
#include "core/datetime.h"
#include "demo/demo.h"

#include <time.h>

typedef struct {
	bool quiet;
	double last; /* when the last progress line was printed */
	int64_t customers;
} progress_state;

static void on_progress(void *arg, const demo_progress *p)
{
	progress_state *ps = arg;
	struct timespec ts;
	double now;

	if (ps->quiet)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (now - ps->last < 2.0)
		return;
	ps->last = now;
	if (strcmp(p->phase, "customers") == 0)
		fprintf(stderr, "demo: customers %" PRId64 "/%" PRId64 " (%.0f%%)\n", p->done,
			ps->customers, p->fraction * 100);
	else
		fprintf(stderr, "demo: %s %" PRId64 " (%.0f%% of the period)\n", p->phase, p->done,
			p->fraction * 100);
}

static void print_summary(const cli_ctx *ctx, const demo_options *o, const demo_summary *s)
{
	char from[16], to[16];

	datetime_format_date(s->start, from, sizeof(from));
	datetime_format_date(s->end - 1, to, sizeof(to));
	if (ctx->json) {
		printf("{\"seed\":%" PRIu64
		       ",\"start\":\"%s\",\"end\":\"%s\",\"customers\":%" PRId64
		       ",\"near_duplicates\":%" PRId64 ",\"prospects\":%" PRId64
		       ",\"products\":%" PRId64 ",\"orders\":%" PRId64 ",\"guest_orders\":%" PRId64
		       ",\"order_items\":%" PRId64 ",\"returns\":%" PRId64
		       ",\"cancellations\":%" PRId64 ",\"refunds\":%" PRId64
		       ",\"interactions\":%" PRId64 ",\"seconds\":%.2f"
		       ",\"customer_seconds\":%.2f,\"order_seconds\":%.2f}\n",
		       o->seed, from, to, s->customers, s->duplicates, s->prospects, s->products,
		       s->orders, s->guest_orders, s->order_items, s->returns, s->cancellations,
		       s->refunds, s->interactions, s->seconds, s->customer_seconds,
		       s->order_seconds);
		return;
	}
	printf("%s: demo shop from %s to %s (seed %" PRIu64 ") in %.1f s (customers %.1f s, "
	       "orders %.1f s)\n",
	       ctx->db_uri, from, to, o->seed, s->seconds, s->customer_seconds, s->order_seconds);
	printf("customers      %12" PRId64 "  (%" PRId64 " near-duplicates, %" PRId64
	       " prospects)\n",
	       s->customers, s->duplicates, s->prospects);
	printf("products       %12" PRId64 "\n", s->products);
	printf("orders         %12" PRId64 "  (%" PRId64 " guest)\n", s->orders, s->guest_orders);
	printf("order items    %12" PRId64 "\n", s->order_items);
	printf("returns        %12" PRId64 "  (%" PRId64 " cancellations, %" PRId64 " refunds)\n",
	       s->returns, s->cancellations, s->refunds);
	printf("interactions   %12" PRId64 "\n", s->interactions);
}

int cmd_demo(cli_ctx *ctx, int argc, char **argv)
{
	progress_state ps = {0};
	demo_options o;
	demo_summary s;
	store *st;
	err e;
	int rc = CLI_OK;

	demo_options_default(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t n;
		if (strcmp(a, "--customers") && strcmp(a, "--seed") && strcmp(a, "--months") &&
		    strcmp(a, "--end") && strcmp(a, "--batch"))
			return cli_usage("demo", "unknown option '%s'", a);
		if (!v)
			return cli_usage("demo", "%s needs a value", a);
		i++;
		if (strcmp(a, "--end") == 0) {
			err_clear(&e);
			if (datetime_parse(v, strlen(v), DATE_YMD, &n, &e) || n % 86400)
				return cli_usage("demo", "--end: '%s' is not a date (YYYY-MM-DD)",
						 v);
			o.end = n + 86400; /* the whole of that day */
		} else if (strcmp(a, "--customers") == 0) {
			if (!number_parse(v, 1, 50000000, &n))
				return cli_usage("demo", "--customers: '%s' is not in 1..50000000",
						 v);
			o.customers = n;
		} else if (strcmp(a, "--seed") == 0) {
			if (!number_parse(v, 0, INT64_MAX, &n))
				return cli_usage("demo", "--seed: '%s' is not a number >= 0", v);
			o.seed = (uint64_t)n;
		} else if (strcmp(a, "--months") == 0) {
			if (!number_parse(v, 1, 240, &n))
				return cli_usage("demo", "--months: '%s' is not in 1..240", v);
			o.months = (int)n;
		} else {
			if (!number_parse(v, 1, 10000000, &n))
				return cli_usage("demo", "--batch: '%s' is not in 1..10000000", v);
			o.batch = (int)n;
		}
	}
	ps.quiet = ctx->quiet;
	ps.customers = o.customers;
	o.progress = on_progress;
	o.progress_arg = &ps;
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	err_clear(&e);
	if (demo_generate(st, &o, &s, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	print_summary(ctx, &o, &s);
out:
	store_close(st);
	return rc;
}
