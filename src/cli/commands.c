/* commands.c: the table of `ecrm` subcommands and helpers they share. */
#include "cli/cli.h"

const cli_command cli_commands[] = {
	{ "demo", cmd_demo, "fill an empty database with a generated online shop",
	  "usage: ecrm demo [--customers N] [--seed S] [--months M] [--end DATE] [--batch N]\n"
	  "\nWrites a realistic online shop into an empty database: customers in the UK,\n"
	  "China (Chinese names) and the US with ~1.5 % near-duplicates, a catalogue of\n"
	  "~250 products, seasonal orders with BG/NBD repeat buying, returns, refunds\n"
	  "and interactions on every channel. Money is in one shop currency, GBP.\n"
	  "The same options and seed give the same shop.\n"
	  "\n  --customers N  customers to create (default 2000; 1000000 gives ~10M order lines)"
	  "\n  --seed S       random seed (default 1)"
	  "\n  --months M     months of history (default 24)"
	  "\n  --end DATE     last day of the history, YYYY-MM-DD (default: up to now)"
	  "\n  --batch N      rows per transaction (default 10000)\n"
	  "\nProgress goes to stderr every few seconds unless --quiet; --json prints the\n"
	  "summary as JSON.\n" },
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
