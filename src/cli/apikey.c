/* apikey.c: `ecrm apikey create|list|revoke`. */
#include "cli/cli.h"
#include "core/json.h"
#include "domain/apikey.h"

#include <time.h>

static int create(store *st, int argc, char **argv)
{
	const char *name = NULL, *role_s = NULL;
	char key[APIKEY_SIZE], actor[96], detail[64];
	user_role role;
	int64_t id;
	err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_s = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else
			return cli_usage("apikey", "unexpected argument '%s'", argv[i]);
	}
	if (!role_s)
		return cli_usage("apikey", "create needs --role ROLE");
	if (user_role_read("--role", role_s, &role, &e))
		return cli_usage("apikey", "%s", e.msg);
	snprintf(detail, sizeof(detail), "{\"role\":\"%s\"}", user_role_name(role));
	err_clear(&e);
	if (store_begin(st, &e))
		return cli_fail(&e);
	if (apikey_create(st, name, role, cli_actor(actor, sizeof(actor)), (int64_t)time(NULL), key, &id, &e)) {
		store_rollback(st);
		return cli_fail(&e);
	}
	if ((rc = cli_audit_commit(st, "apikey.create", "apikey", id, detail)))
		return rc;
	/* The key alone on stdout, so `KEY=$(ecrm apikey create ...)` works. */
	printf("%s\n", key);
	fprintf(stderr, "ecrm: API key %" PRId64 " (%s) created; it is shown only now\n", id,
		user_role_name(role));
	return CLI_OK;
}

static int list(cli_ctx *ctx, store *st)
{
	apikey *v;
	size_t n;
	arena a;
	err e;
	int rc = CLI_OK;

	arena_init(&a, 0);
	if (apikey_list(st, &a, &v, &n, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (ctx->json) {
			json_t *o =
				json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)v[i].id,
					  "name", v[i].name, "role", user_role_name(v[i].role),
					  "prefix", v[i].prefix, "revoked", v[i].revoked_at != 0);
			if (o)
				json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		} else {
			printf("%5" PRId64 "  %s...  %-9s %-24s %s\n", v[i].id, v[i].prefix,
			       user_role_name(v[i].role), v[i].name,
			       v[i].revoked_at ? "revoked" : "");
		}
	}
out:
	arena_release(&a);
	return rc;
}

static int revoke_key(store *st, int argc, char **argv)
{
	int64_t id;
	err e;
	int rc;

	if (argc != 2)
		return cli_usage("apikey", "revoke takes the key's ID (see `ecrm apikey list`)");
	if (!number_parse(argv[1], 1, INT64_MAX, &id))
		return cli_usage("apikey", "'%s' is not a key ID", argv[1]);
	err_clear(&e);
	if (store_begin(st, &e))
		return cli_fail(&e);
	if (apikey_revoke(st, id, (int64_t)time(NULL), &e)) {
		store_rollback(st);
		return cli_fail(&e);
	}
	if ((rc = cli_audit_commit(st, "apikey.revoke", "apikey", id, NULL)))
		return rc;
	printf("API key %" PRId64 " revoked\n", id);
	return CLI_OK;
}

int cmd_apikey(cli_ctx *ctx, int argc, char **argv)
{
	store *st;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "list") != 0 &&
			 strcmp(argv[1], "revoke") != 0))
		return cli_usage("apikey", "say create, list or revoke");
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	if (strcmp(argv[1], "create") == 0)
		rc = create(st, argc - 1, argv + 1);
	else if (strcmp(argv[1], "list") == 0)
		rc = argc == 2 ? list(ctx, st) : cli_usage("apikey", "list takes nothing");
	else
		rc = revoke_key(st, argc - 1, argv + 1);
	store_close(st);
	return rc;
}
