/* commands.c: the table of `ecrm` subcommands and helpers they share. */
#include "cli/cli.h"

const cli_command cli_commands[] = {
	{ "help", cmd_help, "show help for ecrm or one command",
	  "usage: ecrm help [COMMAND]\n" },
	{ "init", cmd_init, "create a database and bring its schema up to date",
	  "usage: ecrm init [--db PATH]\n"
	  "\nCreates the database when it does not exist and applies every pending\n"
	  "migration. Safe to run again.\n" },
	{ "stats", cmd_stats, "count customers, orders, products, returns ...",
	  "usage: ecrm stats [--json]\n"
	  "\nCounts the records in the database: customers, guest orders, orders,\n"
	  "order items, products, returns and interactions.\n" },
	{ "analyze", cmd_analyze, "RFM segments, value tiers, lifecycle stages, clusters",
	  "usage: ecrm analyze [all|rfm|tiers|lifecycle|clusters ...] [--as-of YYYY-MM-DD]\n"
	  "                    [--period day|week|month] [--horizon N] [--discount-rate R]\n"
	  "                    [--threads N] [--k K] [--json]\n"
	  "\nRuns the customer analytics models (all by default) on the orders placed\n"
	  "before the as-of day (default: the day after the last order), stores the\n"
	  "results per customer in customer_scores and a summary per model in\n"
	  "analytics_runs, and prints the summaries. Defaults come from the\n"
	  "[analytics] section of the config (threads, k, seed, margin_ratio,\n"
	  "key_share, normal_share, lifecycle_*, period, horizon, discount_rate).\n"
	  "  --k K      clusters for `clusters` (default: best silhouette in 2..8)\n"
	  "  --period, --horizon, --discount-rate: for the forecasting models\n" },
	{ NULL, NULL, NULL, NULL },
};

const cli_command *cli_find(const char *name)
{
	for (const cli_command *c = cli_commands; c->name; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

store *cli_open_store(cli_ctx *ctx, int flags)
{
	store *st = NULL;
	err e;

	err_clear(&e);
	if (store_open(ctx->db_uri, flags, &st, &e)) {
		cli_fail(&e);
		return NULL;
	}
	return st;
}

int cli_fail(const err *e)
{
	fprintf(stderr, "ecrm: %s\n", e->msg[0] ? e->msg : status_name(e->code));
	return CLI_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ecrm %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `ecrm help %s`)\n", cmd);
	return CLI_USAGE;
}
