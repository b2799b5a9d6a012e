/* init.c: `ecrm init`: create the database and apply migrations. */
#include "cli/cli.h"
#include "domain/pii.h"

int cmd_init(cli_ctx *ctx, int argc, char **argv)
{
	store *st;
	int before, after;

	(void)argv;
	if (argc > 1)
		return cli_usage("init", "unexpected argument '%s'", argv[1]);
	if (!(st = cli_open_store(ctx, STORE_CREATE | STORE_NO_MIGRATE)))
		return CLI_FAIL;
	before = store_schema_version(st);
	store_close(st);
	/* A new database gets a new key; an existing key file is kept. */
	if (!getenv("ECRM_KEY") || !*getenv("ECRM_KEY")) {
		const char *path = pii_key_path(ctx->cfg, ctx->db_uri);
		err e;
		status rc = pii_key_create(path, &e);
		if (rc == E_OK)
			printf("created the personal-data key %s (mode 0600): back it up; without it "
			       "emails, phones and addresses cannot be read\n",
			       path);
		else if (rc != E_CONFLICT)
			return cli_fail(&e);
	}
	/* Opening without STORE_NO_MIGRATE applies what is pending. */
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	after = store_schema_version(st);
	if (after == before)
		printf("%s: schema is up to date (version %d)\n", ctx->db_uri, after);
	else
		printf("%s: schema version %d -> %d\n", ctx->db_uri, before, after);
	store_close(st);
	return CLI_OK;
}
