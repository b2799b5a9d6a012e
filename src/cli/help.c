/* help.c: `ecrm help [COMMAND]`. */
#include "cli/cli.h"

static void print_overview(FILE *out)
{
	fprintf(out, "usage: ecrm [--db PATH] [--config FILE] [--json] [--quiet] COMMAND [ARGS]\n\n"
		     "ecrm is a customer relationship management system for online shops.\n\n"
		     "Commands:\n");
	for (const cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\nGlobal options:\n"
		     "  --db PATH|URL  the database: a SQLite file or postgresql://...\n"
		     "                 (default: $ECRM_DB, then ./ecrm.db)\n"
		     "  --config FILE  settings (default: $ECRM_CONFIG, then ./ecrm.conf)\n"
		     "  --json         print data as JSON\n"
		     "  --quiet        no progress bars\n"
		     "\nRun `ecrm help COMMAND` for a command's options.\n");
}

int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
	const cli_command *c;

	(void)ctx;
	if (argc < 2) {
		print_overview(stdout);
		return CLI_OK;
	}
	if (!(c = cli_find(argv[1])))
		return cli_usage("help", "no command named '%s'", argv[1]);
	fputs(c->usage, stdout);
	return CLI_OK;
}
