/* analyze.c: `ecrm analyze [MODEL...] [options]` (the run itself is
 * service/analyze.h) and its subcommands basket and recommend: prints a
 * summary, or with --json one object with a member per model. */
#include "cli/cli.h"
#include "service/analyze.h"

/* Subcommands with options of their own (analyze_basket.c ...). */
static const struct {
	const char *name;
	cli_run_fn run;
} subcommands[] = {
	{ "basket", cmd_analyze_basket },
	{ "recommend", cmd_analyze_recommend },
};

static const cli_option option_table[] = {
	{ "--as-of", CLI_OPT_STR, offsetof(analyze_options, as_of) },
	{ "--calibration-end", CLI_OPT_STR, offsetof(analyze_options, calibration_end) },
	{ "--period", CLI_OPT_STR, offsetof(analyze_options, period) },
	{ "--clv-step", CLI_OPT_STR, offsetof(analyze_options, clv_step) },
	{ "--horizon", CLI_OPT_INT, offsetof(analyze_options, horizon) },
	{ "--discount-rate", CLI_OPT_REAL, offsetof(analyze_options, discount_rate) },
	{ "--threads", CLI_OPT_INT, offsetof(analyze_options, threads) },
	{ "--k", CLI_OPT_INT, offsetof(analyze_options, k) },
};

/* Parses argv into `o`; returns CLI_OK or the usage status after printing
 * why. */
static int parse_args(int argc, char **argv, analyze_options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-') {
			int rc = cli_take_option("analyze", option_table, ARRAY_SIZE(option_table),
						 argc, argv, &i, o);
			if (rc)
				return rc;
			continue;
		}
		if (!analyze_select(o, a))
			return cli_usage("analyze", "no model named '%s'", a);
	}
	if (!o->models)
		analyze_select(o, "all");
	return CLI_OK;
}

typedef struct {
	bool quiet;
} cli_progress;

static void print_progress(void *arg, const char *stage, int done, int total, const char *msg)
{
	const cli_progress *p = arg;

	(void)stage;
	(void)done;
	(void)total;
	if (!p->quiet && msg)
		fprintf(stderr, "analyze: %s\n", msg);
}

int cmd_analyze(cli_ctx *ctx, int argc, char **argv)
{
	analyze_options o;
	cli_progress pr = { ctx->quiet };
	json_t *root = NULL;
	store *st = NULL;
	int rc;
	err e;

	for (size_t i = 0; argc > 1 && i < ARRAY_SIZE(subcommands); i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(ctx, argc - 1, argv + 1);
	}
	err_clear(&e);
	analyze_options_default(&o, ctx->cfg);
	if ((rc = parse_args(argc, argv, &o)))
		return rc;
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	if (analyze_execute(st, ctx->db_uri, ctx->cfg, &o, !ctx->json, print_progress, &pr, &root,
			    &e)) {
		store_close(st);
		/* option errors are usage errors: found before any work */
		if (e.code == E_INVAL && e.msg[0] == '-')
			return cli_usage("analyze", "%s", e.msg);
		return cli_fail(&e);
	}
	if (ctx->json) {
		json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12));
		fputc('\n', stdout);
	}
	json_decref(root);
	store_close(st);
	return CLI_OK;
}
