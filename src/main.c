/* main.c: the `ecrm` entry point: global options, then the subcommand table. */
#include "cli/cli.h"
#include "core/log.h"
#include "domain/pii.h"

#include <sys/stat.h>

/* Removes argv[i] (and `n` - 1 following) from the vector. */
static void drop_args(int *argc, char **argv, int i, int n)
{
	memmove(&argv[i], &argv[i + n], sizeof(*argv) * (size_t)(*argc - i - n + 1));
	*argc -= n;
}

/* Takes the global options out of argv wherever they appear. Returns false
 * (after printing why) on a malformed option. */
static bool parse_globals(cli_ctx *ctx, int *argc, char **argv)
{
	for (int i = 1; i < *argc;) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--json") == 0) {
			ctx->json = true;
			drop_args(argc, argv, i, 1);
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			ctx->quiet = true;
			drop_args(argc, argv, i, 1);
		} else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			log_set_level(LOG_DEBUG);
			drop_args(argc, argv, i, 1);
		} else if (strncmp(a, "--db=", 5) == 0) {
			ctx->db_uri = a + 5;
			drop_args(argc, argv, i, 1);
		} else if (strncmp(a, "--config=", 9) == 0) {
			ctx->config_path = a + 9;
			drop_args(argc, argv, i, 1);
		} else if (strcmp(a, "--db") == 0 || strcmp(a, "--config") == 0) {
			slot = a[2] == 'd' ? &ctx->db_uri : &ctx->config_path;
			if (i + 1 >= *argc) {
				fprintf(stderr, "ecrm: %s needs a value\n", a);
				return false;
			}
			*slot = argv[i + 1];
			drop_args(argc, argv, i, 2);
		} else {
			i++;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	cli_ctx ctx = { 0 };
	const cli_command *cmd;
	const char *env;
	struct stat sb;
	log_level lvl;
	err e;
	int rc;

	if ((env = getenv("ECRM_LOG")) && log_parse_level(env, &lvl))
		log_set_level(lvl);
	if (!parse_globals(&ctx, &argc, argv))
		return CLI_USAGE;
	if (!ctx.db_uri)
		ctx.db_uri = (env = getenv("ECRM_DB")) && *env ? env : "ecrm.db";
	if (!ctx.config_path && (env = getenv("ECRM_CONFIG")) && *env)
		ctx.config_path = env;
	if (!ctx.config_path && stat("ecrm.conf", &sb) == 0)
		ctx.config_path = "ecrm.conf";
	if (argc < 2) {
		cmd_help(&ctx, 1, argv);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(&ctx, 1, argv);
	if (!(cmd = cli_find(argv[1]))) {
		fprintf(stderr, "ecrm: '%s' is not a command; see `ecrm help`\n", argv[1]);
		return CLI_USAGE;
	}
	if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
		fputs(cmd->usage, stdout);
		return CLI_OK;
	}
	err_clear(&e);
	if (config_load(ctx.config_path, &ctx.cfg, &e)) {
		config_free(ctx.cfg);
		return cli_fail(&e);
	}
	rc = cmd->run(&ctx, argc - 1, argv + 1);
	pii_keys_free(ctx.keys);
	config_free(ctx.cfg);
	return rc;
}
