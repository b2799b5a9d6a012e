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
	/* Temporary name: to be folded under `ecrm analyze basket`. */
	{ "analyze-basket", cmd_analyze_basket,
	  "frequent itemsets and association rules from a baskets file",
	  "usage: ecrm analyze-basket --input FILE [--min-support S] [--min-confidence C]\n"
	  "                           [--max-len K] [--top N] [--sep auto|comma|space]\n"
	  "                           [--skip-blank] [--multi-consequent] [--json]\n"
	  "\nMines FILE (one basket per line, items separated by commas or spaces; - is\n"
	  "standard input) with FP-growth and prints the itemset counts by size and the\n"
	  "top N rules by lift.\n"
	  "S is a fraction of baskets (default 0.01) or, when 1 or more, a basket count;\n"
	  "C defaults to 0.5, K (longest itemset, 0: no limit) to 10, N to 10. As in R's\n"
	  "arules, rules have one item after the arrow, and {} => {y} is a rule when\n"
	  "y's support reaches C; --multi-consequent allows any consequent. A blank\n"
	  "line is an empty basket unless --skip-blank is given.\n" },
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
